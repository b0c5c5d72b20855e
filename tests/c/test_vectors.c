/* Runs the shared scenarios of tests/vectors/scenarios/ (one file per area) against the C API, and checks through
 * a live vault that the normalised forms in tests/vectors/crypto.json are the ones the vault uses.
 * Operations are dispatched by ops.h, generated from the one declaration of each operation
 * (tools/gen), so a new operation needs no case here; `close` and `reopen` are the runner's.
 * Usage: test_vectors <scenario files>... <crypto.json> (every scenario file, then the crypto
 * vectors). Prints one line per case and a summary. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "bunkerlite.h"

#define MAX_VARS 64

struct var { char name[64]; cJSON *value; };
static struct var vars[MAX_VARS];
static int nvars;

static void vars_clear(void) {
    for (int i = 0; i < nvars; i++) cJSON_Delete(vars[i].value);
    nvars = 0;
}

static void var_set(const char *name, const cJSON *value) {
    for (int i = 0; i < nvars; i++) {
        if (strcmp(vars[i].name, name) == 0) {
            cJSON_Delete(vars[i].value);
            vars[i].value = cJSON_Duplicate(value, 1);
            return;
        }
    }
    if (nvars == MAX_VARS) { fprintf(stderr, "too many variables\n"); exit(2); }
    snprintf(vars[nvars].name, sizeof vars[nvars].name, "%s", name);
    vars[nvars].value = cJSON_Duplicate(value, 1);
    nvars++;
}

/* A deep copy of `v` with every "$name" string replaced by the saved value. */
static cJSON *subst(const cJSON *v) {
    if (cJSON_IsString(v) && v->valuestring[0] == '$') {
        char name[64];
        snprintf(name, sizeof name, "%s", v->valuestring + 1);
        char *field = strchr(name, '.');
        if (field) *field++ = 0;
        for (int i = 0; i < nvars; i++) {
            if (strcmp(vars[i].name, name) != 0) continue;
            const cJSON *value = field ? cJSON_GetObjectItemCaseSensitive(vars[i].value, field) : vars[i].value;
            if (!value) { fprintf(stderr, "no field in %s\n", v->valuestring); exit(2); }
            return cJSON_Duplicate(value, 1);
        }
        fprintf(stderr, "unknown variable %s\n", v->valuestring);
        exit(2);
    }
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        cJSON *out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
        for (const cJSON *c = v->child; c; c = c->next) {
            cJSON *copy = subst(c);
            if (cJSON_IsArray(v)) cJSON_AddItemToArray(out, copy);
            else cJSON_AddItemToObject(out, c->string, copy);
        }
        return out;
    }
    return cJSON_Duplicate(v, 1);
}

/* Subset match, as in every suite. */
static int matches(const cJSON *e, const cJSON *a) {
    if (!a) return 0;
    if (cJSON_IsObject(e)) {
        if (!cJSON_IsObject(a)) return 0;
        for (const cJSON *c = e->child; c; c = c->next)
            if (!matches(c, cJSON_GetObjectItemCaseSensitive(a, c->string))) return 0;
        return 1;
    }
    if (cJSON_IsArray(e)) {
        if (!cJSON_IsArray(a) || cJSON_GetArraySize(e) != cJSON_GetArraySize(a)) return 0;
        const cJSON *y = a->child;
        for (const cJSON *x = e->child; x; x = x->next, y = y->next)
            if (!matches(x, y)) return 0;
        return 1;
    }
    if (cJSON_IsNumber(e)) return cJSON_IsNumber(a) && e->valuedouble == a->valuedouble;
    return cJSON_Compare(e, a, 1);
}

/* JSON text of a value. Not cJSON_PrintUnformatted: it prints doubles with 15 digits (and deems
 * them equal within an epsilon), which changes values such as 2.0000000000000001e+68 and turns
 * the largest double into an infinity; here every number prints with 17 significant digits, so
 * it reads back as the same double. */
struct text { char *data; size_t len, cap; };

static void put(struct text *t, const char *s, size_t n) {
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = realloc(t->data, t->cap);
        if (!t->data) { fprintf(stderr, "out of memory\n"); exit(2); }
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = 0;
}

static void put_string(struct text *t, const char *s) {
    put(t, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(t, esc, 2); }
        else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); put(t, esc, 6); }
        else put(t, (const char *)s, 1);
    }
    put(t, "\"", 1);
}

static void put_value(struct text *t, const cJSON *v) {
    char num[64];
    if (cJSON_IsNull(v)) put(t, "null", 4);
    else if (cJSON_IsTrue(v)) put(t, "true", 4);
    else if (cJSON_IsFalse(v)) put(t, "false", 5);
    else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == (double)(long long)d && d > -9007199254740992.0 && d < 9007199254740992.0)
            snprintf(num, sizeof num, "%lld", (long long)d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        put(t, num, strlen(num));
    } else if (cJSON_IsString(v)) put_string(t, v->valuestring);
    else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int object = cJSON_IsObject(v);
        put(t, object ? "{" : "[", 1);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) put(t, ",", 1);
            if (object) { put_string(t, c->string); put(t, ":", 1); }
            put_value(t, c);
        }
        put(t, object ? "}" : "]", 1);
    }
}

static char *print(const cJSON *v) {
    struct text t = { NULL, 0, 0 };
    put(&t, "", 0);
    put_value(&t, v);
    return t.data;
}

static const char *json_str(const cJSON *obj, const char *key, const char *fallback) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : fallback;
}
#define str json_str

/* What a step's arguments own until the step ends: JSON texts and key handles. */
static char *texts[16];
static int ntexts;
static bl_key *keys[4];
static int nkeys;
static bl_caller the_caller;

static void step_free(void) {
    for (int i = 0; i < ntexts; i++) free(texts[i]);
    for (int i = 0; i < nkeys; i++) bl_key_free(keys[i]);
    ntexts = nkeys = 0;
}

/* The step's caller, or NULL (the default actor) when it names neither actor nor purpose. */
static const bl_caller *step_caller(const cJSON *s) {
    the_caller.actor = json_str(s, "actor", NULL);
    the_caller.purpose = json_str(s, "purpose", NULL);
    return the_caller.actor || the_caller.purpose ? &the_caller : NULL;
}

/* One lookup object {"mode": "value"}: its mode and value (NULL when it is not that shape). */
static const char *lookup_mode(const cJSON *s) {
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(s, "lookup");
    return l && l->child && !l->child->next ? l->child->string : NULL;
}
static const char *lookup_value(const cJSON *s) {
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(s, "lookup");
    return l && l->child && cJSON_IsString(l->child) ? l->child->valuestring : NULL;
}

/* The step's field `name` as JSON text (NULL when absent), freed when the step ends. */
static const char *doc_arg(const cJSON *s, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, name);
    if (!v) return NULL;
    if (ntexts == 16) { fprintf(stderr, "too many arguments\n"); exit(2); }
    return texts[ntexts++] = print(v);
}

/* The page size: the step's `limit`, or the default the other languages use when it has none. */
static uint64_t page_limit(const cJSON *s) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, "limit");
    return cJSON_IsNumber(v) ? (uint64_t)v->valuedouble : 100;
}

/* The step's boolean field `name` (false when absent). */
static bool json_flag(const cJSON *s, const char *name) {
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, name));
}

/* A key handle from the step's hex field `name`, freed when the step ends. */
static const bl_key *key_arg(const cJSON *s, const char *name) {
    bl_key *key = NULL;
    if (bl_key_from_hex(json_str(s, name, ""), &key) != BL_OK) return NULL;
    if (nkeys == 4) { fprintf(stderr, "too many keys\n"); exit(2); }
    return keys[nkeys++] = key;
}

#include "ops.h"

struct run { bl_vault *vault; char path[512]; char *options; };

/* Run one step; on success *result holds the parsed result (or NULL). Returns the status. */
static int step(struct run *r, const cJSON *s, cJSON **result) {
    const char *op = str(s, "op", "");
    char *out = NULL;
    int text = 0;
    *result = NULL;
    int rc = dispatch(r->vault, s, &out, &text);
    step_free();
    if (rc == -1 && !strcmp(op, "close")) {
        rc = bl_vault_close(r->vault);
    } else if (rc == -1 && !strcmp(op, "reopen")) {
        /* Close if open (a failed reopen leaves no handle), then open the same file. */
        bl_key *key = NULL;
        rc = r->vault ? bl_vault_close(r->vault) : BL_OK;
        r->vault = NULL;
        if (rc == BL_OK) rc = bl_key_from_hex(str(s, "key", ""), &key);
        if (rc == BL_OK) {
            /* A reopen may give its own options (those of the scenario otherwise). */
            const cJSON *own = cJSON_GetObjectItemCaseSensitive(s, "options");
            char *own_text = own ? print(own) : NULL;
            rc = bl_vault_open(r->path, key, own_text ? own_text : r->options, &r->vault);
            free(own_text);
            bl_key_free(key);
        }
    } else if (rc == -1) {
        fprintf(stderr, "unknown op %s\n", op);
        exit(2);
    }
    if (rc == BL_OK && out) *result = text ? cJSON_CreateString(out) : cJSON_Parse(out);
    bl_string_free(out);
    return rc;
}

/* The backend the scenarios run on: "sqlite", or "postgres" when BUNKERLITE_TEST_POSTGRES names a
 * server (a fresh schema per scenario). */
static const char *backend = "sqlite";
static const char *pg_url = NULL;

/* Whether a scenario is for the backend this run uses (`backends`, when it names some). */
static int for_this_backend(const cJSON *sc) {
    const cJSON *only = cJSON_GetObjectItemCaseSensitive(sc, "backends");
    if (!only) return 1;
    for (const cJSON *b = only->child; b; b = b->next) {
        if (cJSON_IsString(b) && !strcmp(b->valuestring, backend)) return 1;
    }
    return 0;
}

static int run_scenario(const cJSON *sc, const char *key_hex, const char *tmpdir, int index) {
    const char *name = str(sc, "name", "?");
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(sc, "options");
    struct run r = { NULL, "", options ? print(options) : NULL };
    bl_key *key = NULL;
    int ok = 1;
    if (bl_key_from_hex(key_hex, &key) != BL_OK) { fprintf(stderr, "bad key\n"); exit(2); }
    int rc;
    if (pg_url) {
        snprintf(r.path, sizeof r.path, "%s%sschema=c_vectors_%d_%ld", pg_url, strchr(pg_url, '?') ? "&" : "?", index,
                 (long)getpid());
        rc = bl_vault_open(r.path, key, r.options, &r.vault);
    } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "file"))) {
        snprintf(r.path, sizeof r.path, "%s/scenario-%d.db", tmpdir, index);
        rc = bl_vault_open(r.path, key, r.options, &r.vault);
    } else {
        rc = bl_vault_open_in_memory(key, r.options, &r.vault);
    }
    bl_key_free(key);
    const char *open_error = str(sc, "open_error", NULL);
    if (open_error) {
        const char *got = rc == BL_OK ? "OK" : bl_error_code_name(rc);
        if (strcmp(got, open_error) != 0) { printf("not ok - %s: open gave %s, expected %s\n", name, got, open_error); ok = 0; }
        if (rc == BL_OK) bl_vault_close(r.vault);
        free(r.options);
        if (ok) printf("ok - %s\n", name);
        return ok;
    }
    if (rc != BL_OK) { printf("not ok - %s: open failed: %s\n", name, bl_last_error_message()); free(r.options); return 0; }
    vars_clear();
    int i = 0;
    for (const cJSON *raw = cJSON_GetObjectItemCaseSensitive(sc, "steps")->child; raw && ok; raw = raw->next, i++) {
        cJSON *s = subst(raw);
        cJSON *result = NULL;
        rc = step(&r, s, &result);
        const char *want_error = str(s, "error", NULL);
        const char *op = str(s, "op", "");
        if (want_error) {
            const char *got = rc == BL_OK ? "OK" : bl_error_code_name(rc);
            if (strcmp(got, want_error) != 0) {
                printf("not ok - %s: step %d (%s) gave %s, expected %s\n", name, i, op, got, want_error);
                ok = 0;
            }
        } else if (rc != BL_OK) {
            printf("not ok - %s: step %d (%s) failed: %s\n", name, i, op, bl_last_error_message());
            ok = 0;
        } else {
            const cJSON *expect = cJSON_GetObjectItemCaseSensitive(s, "expect");
            const cJSON *expect_len = cJSON_GetObjectItemCaseSensitive(s, "expect_len");
            if (expect && !matches(expect, result)) {
                char *e = print(expect), *g = result ? print(result) : strdup("null");
                printf("not ok - %s: step %d (%s)\n  expected %s\n  got %s\n", name, i, op, e, g);
                free(e); free(g);
                ok = 0;
            }
            const cJSON *expect_not = cJSON_GetObjectItemCaseSensitive(s, "expect_not");
            if (expect_not && matches(expect_not, result)) {
                printf("not ok - %s: step %d (%s): the result matches what it must not\n", name, i, op);
                ok = 0;
            }
            if (expect_len && cJSON_GetArraySize(result) != (int)expect_len->valuedouble) {
                printf("not ok - %s: step %d (%s): wrong length\n", name, i, op);
                ok = 0;
            }
            const char *save = str(raw, "save", NULL);
            if (save && result) {
                if (cJSON_IsArray(result)) {
                    int k = 0;
                    for (const cJSON *item = result->child; item; item = item->next, k++) {
                        char n[64];
                        snprintf(n, sizeof n, "%s%d", save, k);
                        var_set(n, item);
                    }
                }
                var_set(save, result);
            }
        }
        cJSON_Delete(result);
        cJSON_Delete(s);
    }
    if (r.vault) bl_vault_close(r.vault); /* BL_CLOSED after a "close" step: fine */
    vars_clear();
    free(r.options);
    if (ok) printf("ok - %s\n", name);
    return ok;
}

static cJSON *load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "read failed\n"); exit(2); }
    text[n] = 0;
    fclose(f);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    if (!doc) { fprintf(stderr, "invalid JSON in %s\n", path); exit(2); }
    return doc;
}

/* A value stored under `field` is found again by its normalised form from crypto.json. */
static int normalisation_case(const cJSON *c) {
    const char *field = str(c, "field", ""), *input = str(c, "input", ""), *normalized = str(c, "normalized", "");
    const cJSON *region = cJSON_GetObjectItemCaseSensitive(c, "default_region");
    char options[128], *profile = NULL, *token = NULL, *found = NULL;
    snprintf(options, sizeof options, "{\"indexed_fields\":[\"customer_id\"],\"default_region\":%s%s%s}",
             cJSON_IsString(region) ? "\"" : "", cJSON_IsString(region) ? region->valuestring : "null",
             cJSON_IsString(region) ? "\"" : "");
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, field, input);
    profile = print(p);
    cJSON_Delete(p);
    bl_key *key = NULL;
    bl_vault *vault = NULL;
    int ok = bl_key_generate(&key) == BL_OK && bl_vault_open_in_memory(key, options, &vault) == BL_OK &&
             bl_subject_create(vault, NULL, profile, &token) == BL_OK &&
             bl_subject_get(vault, NULL, field, normalized, &found) == BL_OK && strstr(found, token) != NULL;
    printf("%s - normalisation of %s (%s)\n", ok ? "ok" : "not ok", field, ok ? "found" : bl_last_error_message());
    bl_string_free(token);
    bl_string_free(found);
    free(profile);
    bl_vault_close(vault);
    bl_key_free(key);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s scenarios/*.json... crypto.json\n", argv[0]); return 2; }
    pg_url = getenv("BUNKERLITE_TEST_POSTGRES");
    if (pg_url && *pg_url) backend = "postgres"; else pg_url = NULL;
    char tmpdir[] = "/tmp/bunkerlite-c-vectors-XXXXXX";
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 2; }
    int passed = 0, failed = 0, index = 0;
    for (int f = 1; f < argc - 1; f++) {
        cJSON *doc = load(argv[f]);
        const char *key = str(doc, "key", "");
        const cJSON *scenarios = cJSON_GetObjectItemCaseSensitive(doc, "scenarios");
        if (!cJSON_IsArray(scenarios) || !scenarios->child) { fprintf(stderr, "%s: no scenarios\n", argv[f]); return 2; }
        for (const cJSON *sc = scenarios->child; sc; sc = sc->next, index++) {
            if (!for_this_backend(sc)) continue;
            if (run_scenario(sc, key, tmpdir, index)) passed++; else failed++;
        }
        cJSON_Delete(doc);
    }
    cJSON *crypto = load(argv[argc - 1]);
    for (const cJSON *c = cJSON_GetObjectItemCaseSensitive(crypto, "blind_indexes")->child; c; c = c->next) {
        if (normalisation_case(c)) passed++; else failed++;
    }
    cJSON_Delete(crypto);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("vectors (%s): %d passed, %d failed\n", backend, passed, failed);
    return failed == 0 && passed >= 40 ? 0 : 1;
}
