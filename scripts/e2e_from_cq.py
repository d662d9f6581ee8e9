#!/usr/bin/python3
"""Turn an end-to-end case of the old form (tests/e2e/NAME.cq, NAME.then.cq, NAME.expected) into
the one-file form NAME.test that tests/e2e/run.sh reads (each statement followed by its output).

    scripts/e2e_from_cq.py BUILD/claimdb tests/e2e/NAME

A ---- is put after every statement and dot-command, the file is run with CLAIMDB_REGEN=1 to
fill in the outputs, the ---- of statements that print nothing are dropped, and a stop (--bail,
.exit, a statement that runs to the end of the file) becomes "---- to the end". The result is
checked against NAME.expected with the positions masked (FILE:LINE:COL changes with the file);
then remove the old files with git rm.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, '..', 'tests', 'e2e', 'run.sh')
AWK = os.path.join(HERE, '..', 'tests', 'lib', 'e2e.awk')


def is_stmt(line):
    s = line.strip()
    return bool(s) and not s.startswith('--')


def unit_end(line):
    s = line.strip()
    if not is_stmt(s):
        return False
    if s.startswith('.'):
        return True
    return re.sub(r'\s--\s.*$', '', s).rstrip().endswith(';')


def read_lines(path):
    lines = open(path).read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return lines


def candidate(sections):
    out = []
    for i, sec in enumerate(sections):
        if i:
            out.append('-- new process')
        pending = False
        for line in sec:
            out.append(line)
            pending = pending or is_stmt(line)
            if unit_end(line):
                out += ['----', '']
                pending = False
        if pending:
            out += ['----', '']
        if out[-1] != '':
            out.append('')
        out.append('-- exit: 0')
    return out


def regen(prog, path):
    env = dict(os.environ, CLAIMDB_REGEN='1')
    r = subprocess.run(['sh', RUN, prog, path], env=env, capture_output=True, text=True)
    return r.returncode, r.stderr


def write(path, lines):
    open(path, 'w').write('\n'.join(lines) + '\n')


def masked(text):
    return re.sub(r'[\w./-]+\.(cq|test|inc):\d+:\d+:', 'POS:', text)


def main():
    prog, base = os.path.abspath(sys.argv[1]), sys.argv[2]
    sections = [read_lines(base + '.cq')]
    if os.path.exists(base + '.then.cq'):
        sections.append(read_lines(base + '.then.cq'))
    lines = candidate(sections)
    path = base + '.test'
    for _ in range(100):
        write(path, lines)
        rc, err = regen(prog, path)
        if rc == 0:
            break
        m = re.search(r':(\d+): the run ended before this ----', err)
        if not m:
            sys.exit(err)
        # The first ---- not reached is where the run stops; the later ones of its process are
        # not reached either.
        at = int(m.group(1)) - 1
        lines[at] = '---- to the end'
        j = at + 1
        while j < len(lines) and lines[j] != '-- new process':
            if lines[j] == '----':
                del lines[j:j + 2 if j + 1 < len(lines) and lines[j + 1] == '' else j + 1]
                continue
            j += 1
    lines = read_lines(path)
    kept, i = [], 0
    while i < len(lines):
        if lines[i] == '----' and i + 1 < len(lines) and lines[i + 1] == '':
            j = i + 2
            while j < len(lines) and not is_stmt(lines[j]) and lines[j] != '-- new process':
                j += 1
            if j < len(lines) and is_stmt(lines[j]):  # prints nothing: no ---- needed
                i += 2
                continue
        kept.append(lines[i])
        i += 1
    squeezed = [l for k, l in enumerate(kept) if not (l == '' and k and kept[k - 1] == '')]
    write(path, squeezed)
    rc, err = regen(prog, path)
    if rc:
        sys.exit(err)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(['awk', '-v', 'mode=split', '-v', 'dir=' + d, '-v', 'name=x', '-f', AWK,
                        path], check=True, capture_output=True)
        got = ''.join(l for l in open(os.path.join(d, 'expected')) if not l.startswith('@e2e:'))
    if masked(got) != masked(open(base + '.expected').read()):
        sys.exit(path + ': the outputs differ from ' + base + '.expected beyond positions')
    print(path + ': written; the outputs are those of ' + base + '.expected')


if __name__ == '__main__':
    main()
