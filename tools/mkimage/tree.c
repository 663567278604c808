/* tree.c: reads a host folder into a sorted tree for the image writers. */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkimage.h"

void mk_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mirage-mkimage: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void mk_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mirage-mkimage: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s)
        abort();
    memcpy(s, a, la);
    s[la] = la && lb ? '/' : '\0';
    memcpy(s + la + (la && lb), b, lb + 1);
    return s;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct mk_node *const *)a)->name, (*(struct mk_node *const *)b)->name);
}

/* Fill n from lstat; read a folder's entries. */
static int fill(struct mk_node *n)
{
    struct stat st;
    if (lstat(n->path, &st) != 0) {
        mk_error("%s: cannot stat it", n->path);
        return -1;
    }
    n->mtime_s = st.st_mtim.tv_sec;
    n->mtime_ns = (uint32_t)st.st_mtim.tv_nsec;
    n->mode = st.st_mode & 07777;
    if (S_ISREG(st.st_mode)) {
        n->kind = MK_FILE;
        n->size = (uint64_t)st.st_size;
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        n->kind = MK_LINK;
        n->link = calloc(1, (size_t)st.st_size + 2);
        if (!n->link || readlink(n->path, n->link, (size_t)st.st_size + 1) != st.st_size) {
            mk_error("%s: cannot read the link", n->path);
            return -1;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return 1; /* skipped by the caller */
    n->kind = MK_DIR;
    DIR *d = opendir(n->path);
    if (!d) {
        mk_error("%s: cannot open the folder", n->path);
        return -1;
    }
    size_t cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct mk_node *k = calloc(1, sizeof *k);
        if (!k)
            abort();
        k->name = strdup(e->d_name);
        k->path = join(n->path, e->d_name);
        k->rel = join(n->rel, e->d_name);
        k->parent = n;
        int f = fill(k);
        if (f == 1) {
            mk_warn("%s: not a file, folder or link: skipped", k->path);
            mk_tree_free(k);
            continue;
        }
        if (n->nkids == cap) {
            cap = cap ? cap * 2 : 16;
            n->kids = realloc(n->kids, cap * sizeof *n->kids);
            if (!n->kids)
                abort();
        }
        n->kids[n->nkids++] = k;
        rc = f;
    }
    closedir(d);
    if (n->nkids > 1)
        qsort(n->kids, n->nkids, sizeof *n->kids, by_name);
    return rc;
}

struct mk_node *mk_tree_read(const char *path)
{
    struct mk_node *root = calloc(1, sizeof *root);
    if (!root)
        abort();
    root->name = strdup("");
    root->path = strdup(path);
    root->rel = strdup("");
    int rc = fill(root);
    if (rc == 0 && root->kind != MK_DIR) {
        mk_error("%s: not a folder", path);
        rc = -1;
    }
    if (rc) {
        mk_tree_free(root);
        return NULL;
    }
    return root;
}

void mk_tree_free(struct mk_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        mk_tree_free(n->kids[i]);
    free(n->kids);
    free(n->name);
    free(n->path);
    free(n->rel);
    free(n->link);
    free(n);
}
