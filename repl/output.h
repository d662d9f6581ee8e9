/* output.h — result output modes (a table of them, indexed by OUTPUT_*) and the one function
 * all results go through. */
#ifndef CLAIMDB_REPL_OUTPUT_H
#define CLAIMDB_REPL_OUTPUT_H

#include "buf.h"
#include "shell.h"

#include <stddef.h>

enum { OUTPUT_TABLE, OUTPUT_CSV, OUTPUT_TSV, OUTPUT_JSON, OUTPUT_JSONL, OUTPUT_LINE, OUTPUT_COUNT };

/* The mode called name, or -1. */
int output_mode_find(const char *name);
/* The name of a mode. */
const char *output_mode_name(int mode);
/* Append the modes' names to b in table order: "table, csv, ..., line". */
void output_mode_list(buf *b);
/* Whether the mode prints a header row by default (and whether .headers applies to it). */
int output_mode_has_headers(int mode);

/* Every byte of results goes through here. */
void out_write(shell *sh, const char *s, size_t n);
void out_printf(shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Messages for the user (errors, counts, timings) go to stderr through here. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Step stmt to its end, printing its rows in the shell's mode. Returns CLAIMDB_DONE, or the
 * error claimdb_step() returned (the rows before it are printed). */
int output_statement(shell *sh, claimdb_stmt *stmt);

/* For the modules that read results by column name (export, merge): the index of the column
 * called name, or -1; and column i's text, or NULL when i is -1 or the value is NULL. */
int stmt_column_index(claimdb_stmt *stmt, const char *name);
const char *stmt_text_or_null(claimdb_stmt *stmt, int i);

/* The display width of UTF-8 text in terminal columns. */
size_t display_width(const char *s, size_t n);

#endif /* CLAIMDB_REPL_OUTPUT_H */
