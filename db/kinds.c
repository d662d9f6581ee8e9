/* kinds.c — the table of statement kinds: a new statement is a row here and a file that
 * defines the row's stmt_kind beside the code it names. */
#include "engine.h"

extern const stmt_kind stmt_find, stmt_explain, stmt_assert, stmt_retract, stmt_article, stmt_alias,
    stmt_evidence, stmt_check, stmt_show, stmt_review, stmt_retract_review, stmt_begin, stmt_commit,
    stmt_rollback, stmt_similar, stmt_text_index;

static const stmt_kind *const kinds[] = {
    [STMT_FIND] = &stmt_find,                     /* find.c */
    [STMT_EXPLAIN] = &stmt_explain,               /* explain.c */
    [STMT_ASSERT] = &stmt_assert,                 /* write.c */
    [STMT_RETRACT] = &stmt_retract,               /* write.c */
    [STMT_ARTICLE] = &stmt_article,               /* write.c */
    [STMT_ALIAS] = &stmt_alias,                   /* write.c */
    [STMT_EVIDENCE] = &stmt_evidence,             /* inspect.c */
    [STMT_CHECK] = &stmt_check,                   /* inspect.c */
    [STMT_SHOW] = &stmt_show,                     /* show.c */
    [STMT_REVIEW] = &stmt_review,                 /* review.c */
    [STMT_RETRACT_REVIEW] = &stmt_retract_review, /* review.c */
    [STMT_BEGIN] = &stmt_begin,                   /* transaction.c */
    [STMT_COMMIT] = &stmt_commit,                 /* transaction.c */
    [STMT_ROLLBACK] = &stmt_rollback,             /* transaction.c */
    [STMT_SIMILAR] = &stmt_similar,               /* similar.c */
    [STMT_TEXT_INDEX] = &stmt_text_index,         /* text_index.c */
};

const stmt_kind *stmt_kind_of(const ast_stmt *ast)
{
    if ((size_t)ast->kind >= sizeof kinds / sizeof kinds[0]) return NULL;
    return kinds[ast->kind];
}
