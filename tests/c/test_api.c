/* The C API: every function, its ownership rules, and every misuse case (NULL pointers, invalid
 * UTF-8, closed and double-closed handles, made-up handles, oversized lengths, NULL
 * out-parameters), plus 8 threads sharing one handle. Built with -fsanitize=address,undefined. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bunkerlite.h"

static int passed, failed;

#define CHECK(cond, what)                                                        \
    do {                                                                         \
        if (cond) { passed++; }                                                  \
        else { failed++; printf("not ok - %s (line %d): %s\n", what, __LINE__,   \
                                bl_last_error_message()); }                      \
    } while (0)

#define EXPECT(call, code, what) CHECK((call) == (code), what)

/* A caller acting as `actor`, with no purpose. */
#define AS(actor) (&(bl_caller){(actor), NULL})

static int contains(const char *hay, const char *needle) { return hay && strstr(hay, needle) != NULL; }

static bl_vault *shared;
static int thread_failures;

static void *worker(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < 50; i++) {
        char profile[128], *token = NULL, *subject = NULL;
        snprintf(profile, sizeof profile, "{\"email\":\"t%ld-%d@threads.test\",\"n\":%d}", id, i, i);
        if (bl_subject_create(shared, AS("app:thread"), profile, &token) != BL_OK) { __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED); continue; }
        if (bl_subject_get(shared, AS("app:thread"), "token", token, &subject) != BL_OK || !contains(subject, "threads.test"))
            __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
        /* Everyone races for one shared email: exactly one thread may win it. */
        char *dup = NULL;
        int rc = bl_subject_create(shared, AS("app:thread"), "{\"email\":\"shared@threads.test\"}", &dup);
        if (rc != BL_OK && rc != BL_DUPLICATE) __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
        if (rc == BL_DUPLICATE && bl_last_error_code() != BL_DUPLICATE) __atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
        bl_string_free(dup);
        bl_string_free(token);
        bl_string_free(subject);
    }
    return NULL;
}

int main(void) {
    char dir[] = "/tmp/bunkerlite-c-api-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    char path[256];
    snprintf(path, sizeof path, "%s/vault.db", dir);

    CHECK(strlen(bl_version()) > 0, "version");
    CHECK(!strcmp(bl_error_code_name(BL_NOT_FOUND), "NOT_FOUND"), "code name");
    CHECK(!strcmp(bl_error_code_name(BL_OK), "OK"), "code name of OK");
    CHECK(bl_error_code_name(12345) == NULL, "unknown code name is NULL");

    /* Keys. */
    bl_key *key = NULL, *other = NULL;
    char *hex = NULL;
    EXPECT(bl_key_generate(&key), BL_OK, "generate key");
    EXPECT(bl_key_to_hex(key, &hex), BL_OK, "key to hex");
    CHECK(hex && strlen(hex) == 64, "hex key length");
    EXPECT(bl_key_from_hex(hex, &other), BL_OK, "key from hex");
    bl_key_free(other);
    other = NULL;
    unsigned char raw[32] = {1};
    EXPECT(bl_key_from_bytes(raw, 32, &other), BL_OK, "key from 32 bytes");
    bl_key_free(other);
    EXPECT(bl_key_from_bytes(raw, 31, &other), BL_KEY_SOURCE, "key from 31 bytes");
    EXPECT(bl_key_from_bytes(raw, (size_t)-1, &other), BL_KEY_SOURCE, "oversized key length is refused before reading");
    EXPECT(bl_key_from_bytes(NULL, 32, &other), BL_INVALID_INPUT, "NULL key bytes");
    EXPECT(bl_key_from_hex("abcd", &other), BL_KEY_SOURCE, "short hex");
    CHECK(!contains(bl_last_error_message(), "abcd"), "key error does not echo the key");
    EXPECT(bl_key_from_base64("!!!", &other), BL_KEY_SOURCE, "bad base64");
    EXPECT(bl_key_from_env("BUNKERLITE_C_TEST_UNSET_VARIABLE", &other), BL_KEY_SOURCE, "unset env");
    CHECK(contains(bl_last_error_message(), "BUNKERLITE_C_TEST_UNSET_VARIABLE"), "env error names the variable");
    setenv("BUNKERLITE_C_TEST_KEY", hex, 1);
    EXPECT(bl_key_from_env("BUNKERLITE_C_TEST_KEY", &other), BL_OK, "key from env");
    bl_key_free(other);
    char keyfile[300];
    snprintf(keyfile, sizeof keyfile, "%s/master.key", dir);
    FILE *kf = fopen(keyfile, "w");
    fprintf(kf, "%s\n", hex);
    fclose(kf);
    EXPECT(bl_key_from_file(keyfile, &other), BL_OK, "key from file");
    bl_key_free(other);
    EXPECT(bl_key_from_file("/nonexistent/master.key", &other), BL_KEY_SOURCE, "missing key file");
    EXPECT(bl_key_generate(NULL), BL_INVALID_INPUT, "NULL out for key");
    EXPECT(bl_key_from_hex(NULL, &other), BL_INVALID_INPUT, "NULL hex");
    /* Text that is not UTF-8 is malformed key text, refused as any other (the same code in every binding). */
    EXPECT(bl_key_from_hex("\xff\xfe", &other), BL_KEY_SOURCE, "hex that is not UTF-8");
    EXPECT(bl_key_from_base64("\xc3", &other), BL_KEY_SOURCE, "base64 that is not UTF-8");
    bl_key_free(NULL); /* ignored */

    /* Open, with bad arguments first. */
    bl_vault *vault = NULL;
    EXPECT(bl_vault_open(NULL, key, NULL, &vault), BL_INVALID_INPUT, "NULL path");
    EXPECT(bl_vault_open(path, NULL, NULL, &vault), BL_INVALID_INPUT, "NULL key");
    EXPECT(bl_vault_open(path, key, NULL, NULL), BL_INVALID_INPUT, "NULL out");
    EXPECT(bl_vault_open(path, key, "{\"nope\":1}", &vault), BL_INVALID_INPUT, "unknown option");
    EXPECT(bl_vault_open(path, key, "{", &vault), BL_INVALID_INPUT, "options not JSON");
    EXPECT(bl_vault_open(path, (bl_key *)(uintptr_t)0x1234, NULL, &vault), BL_INVALID_INPUT, "made-up key handle");
    EXPECT(bl_vault_open(path, key, "{\"default_region\":\"DE\"}", &vault), BL_OK, "open");

    /* Subjects. */
    char *token = NULL, *json = NULL;
    EXPECT(bl_subject_create(vault, AS("app:signup"), "{\"email\":\"Ann@Example.com\",\"phone\":\"030 901820\",\"name\":\"Ann\"}", &token), BL_OK, "create");
    CHECK(token && strlen(token) == 36, "token is a UUID");
    EXPECT(bl_subject_get(vault, AS("app"), "email", "ann@example.com", &json), BL_OK, "get by email");
    CHECK(contains(json, token) && contains(json, "\"name\":\"Ann\""), "get result");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_subject_get(vault, AS("app"), "phone", "+49 30 901820", &json), BL_OK, "get by phone");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_subject_create(vault, AS("app"), "{\"email\":\"ann@example.com\"}", &json), BL_DUPLICATE, "duplicate");
    CHECK(json == NULL, "no output on error");
    CHECK(bl_last_error_code() == BL_DUPLICATE, "last error code");
    CHECK(contains(bl_last_error_message(), "DUPLICATE") && !contains(bl_last_error_message(), "ann@"), "message without PII");
    EXPECT(bl_subject_get(vault, AS("app"), "email", "nobody@example.com", &json), BL_NOT_FOUND, "not found");
    EXPECT(bl_subject_get(vault, AS("app"), "token", "not-a-uuid", &json), BL_INVALID_INPUT, "bad token");
    EXPECT(bl_subject_get(vault, AS("app"), "shoe_size", "42", &json), BL_INVALID_INPUT, "unknown mode");
    EXPECT(bl_subject_create(vault, AS("app"), "[1,2]", &json), BL_INVALID_INPUT, "profile not an object");
    EXPECT(bl_subject_create(vault, AS("app"), "{\"a\":", &json), BL_INVALID_INPUT, "profile not JSON");
    EXPECT(bl_subject_create(vault, AS("app"), "{\"a\":1}", NULL), BL_INVALID_INPUT, "NULL out-parameter");
    EXPECT(bl_subject_create(vault, AS(""), "{}", &json), BL_INVALID_INPUT, "empty actor");
    EXPECT(bl_subject_create(vault, AS("ann@example.org"), "{}", &json), BL_INVALID_INPUT, "an email is not an actor");
    EXPECT(bl_subject_get(vault, &(bl_caller){"app", "Bad Purpose"}, "email", "ann@example.com", &json), BL_INVALID_INPUT, "bad purpose");
    EXPECT(bl_subject_get(vault, &(bl_caller){"app:billing", "invoicing"}, "email", "ann@example.com", &json), BL_OK, "caller with a purpose");
    bl_string_free(json);
    EXPECT(bl_subject_get(vault, NULL, "email", "ann@example.com", &json), BL_OK, "NULL caller is the default actor");
    bl_string_free(json);
    EXPECT(bl_subject_create(vault, AS("app"), NULL, &json), BL_INVALID_INPUT, "NULL profile");
    EXPECT(bl_subject_create(NULL, AS("app"), "{}", &json), BL_INVALID_INPUT, "NULL vault");
    EXPECT(bl_subject_get(vault, AS("app"), NULL, "x", &json), BL_INVALID_INPUT, "NULL mode");
    const char bad_utf8[] = {'{', '"', 'a', '"', ':', '"', (char)0xC3, (char)0x28, '"', '}', 0};
    EXPECT(bl_subject_create(vault, AS("app"), bad_utf8, &json), BL_INVALID_INPUT, "invalid UTF-8");
    EXPECT(bl_subject_get(vault, &(bl_caller){"app", bad_utf8}, "email", "ann@example.com", &json), BL_INVALID_INPUT, "purpose not UTF-8");
    CHECK(contains(bl_last_error_message(), "UTF-8"), "UTF-8 message");
    char *huge = malloc(2u << 20);
    memset(huge, ' ', 2u << 20);
    huge[0] = '{'; huge[(2u << 20) - 2] = '}'; huge[(2u << 20) - 1] = 0;
    EXPECT(bl_subject_create(vault, AS("app"), huge, &json), BL_TOO_LARGE, "oversized document");
    free(huge);

    EXPECT(bl_subject_update(vault, AS("app:crm"), "token", token, "{\"name\":null,\"city\":\"Berlin\"}", &json), BL_OK, "merge patch");
    CHECK(contains(json, "Berlin") && !contains(json, "\"name\"") && contains(json, "\"version\":2"), "merge result");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_subject_update(vault, AS("app"), "token", token, "[{\"op\":\"add\",\"path\":\"/zip\",\"value\":\"10115\"}]", &json), BL_OK, "json patch");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_subject_update(vault, AS("app"), "token", token, "[{\"op\":\"remove\",\"path\":\"/missing\"}]", &json), BL_INVALID_INPUT, "bad patch");

    char *tokens = NULL;
    EXPECT(bl_subjects_create(vault, AS("app"), "[{\"email\":\"b1@x.org\"},{\"email\":\"b2@x.org\"}]", &tokens), BL_OK, "batch create");
    CHECK(tokens && tokens[0] == '[', "tokens array");
    bl_string_free(tokens);
    EXPECT(bl_subjects_create(vault, AS("app"), "{\"email\":\"x@x.org\"}", &tokens), BL_INVALID_INPUT, "batch needs an array");
    EXPECT(bl_subjects_get(vault, AS("app"), "[{\"email\":\"b1@x.org\"},{\"email\":\"none@x.org\"}]", &json), BL_OK, "batch get");
    CHECK(contains(json, "b1@x.org") && contains(json, ",null]"), "batch get result");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_subjects_get(vault, AS("app"), "[{\"email\":1}]", &json), BL_INVALID_INPUT, "bad lookup object");

    /* Audit. */
    char *head = NULL;
    EXPECT(bl_audit_head(vault, &head), BL_OK, "head");
    CHECK(contains(head, "\"hash\""), "head json");
    EXPECT(bl_audit_verify(vault, head, &json), BL_OK, "verify with anchor");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_audit_verify(vault, NULL, &json), BL_OK, "verify");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_audit_verify(vault, "{\"seq\":99999,\"hash\":\"00\"}", &json), BL_INVALID_INPUT, "bad anchor");
    EXPECT(bl_audit_verify(vault, "{\"seq\":99999,\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"}", &json), BL_INTEGRITY, "anchor beyond the log");
    bl_string_free(head);
    EXPECT(bl_audit_list(vault, AS("admin:dpo"), token, NULL, 10, true, &json), BL_OK, "audit events");
    CHECK(contains(json, "subject.update") && contains(json, "\"before\""), "audit details");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_audit_list(vault, AS("admin:dpo"), NULL, NULL, 1000, false, &json), BL_OK, "audit all");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_audit_list(vault, AS("admin:dpo"), NULL, NULL, 0, false, &json), BL_INVALID_INPUT, "zero limit");
    EXPECT(bl_audit_list(vault, AS("admin:dpo"), NULL, "not-a-cursor", 5, false, &json), BL_INVALID_INPUT, "bad cursor");
    EXPECT(bl_audit_flush(vault), BL_OK, "flush");

    /* Erasure. */
    EXPECT(bl_subject_forget(vault, AS("admin:dpo"), "token", token, &json), BL_OK, "forget");
    CHECK(contains(json, "\"wal_truncated\":true"), "receipt");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_subject_get(vault, AS("app"), "token", token, &json), BL_ERASED, "erased");
    bl_string_free(token);

    EXPECT(bl_vault_compact(vault, AS("admin:dpo"), &json), BL_OK, "compact");
    CHECK(contains(json, "\"wal_truncated\":true"), "compact report");
    bl_string_free(json);
    json = NULL;
    EXPECT(bl_vault_compact(vault, AS("bad actor"), &json), BL_INVALID_INPUT, "compact with a bad actor");

    /* A batch is limited as a whole by max_batch_bytes, not by the one-document limit. */
    {
        bl_key *k = NULL;
        bl_vault *small = NULL;
        char *out = NULL;
        bl_key_generate(&k);
        EXPECT(bl_vault_open_in_memory(k, "{\"limits\":{\"max_document_bytes\":200,\"max_batch_bytes\":600}}", &small), BL_OK, "small limits");
        bl_key_free(k);
        char batch[1024];
        snprintf(batch, sizeof batch, "[{\"n\":\"%0150d\"},{\"n\":\"%0150d\"},{\"n\":\"%0150d\"}]", 1, 2, 3);
        EXPECT(bl_subjects_create(small, NULL, batch, &out), BL_OK, "a batch larger than one document");
        bl_string_free(out);
        out = NULL;
        snprintf(batch, sizeof batch, "[{\"n\":\"%0150d\"},{\"n\":\"%0150d\"},{\"n\":\"%0150d\"},{\"n\":\"%0150d\"}]", 1, 2, 3, 4);
        EXPECT(bl_subjects_create(small, NULL, batch, &out), BL_TOO_LARGE, "a batch over max_batch_bytes");
        CHECK(contains(bl_last_error_message(), "batch is larger than 600 bytes"), "batch limit message");
        bl_vault_close(small);
    }

    /* 8 threads on one handle. */
    shared = vault;
    pthread_t threads[8];
    for (long t = 0; t < 8; t++) pthread_create(&threads[t], NULL, worker, (void *)t);
    for (int t = 0; t < 8; t++) pthread_join(threads[t], NULL);
    CHECK(thread_failures == 0, "8 threads");
    EXPECT(bl_subject_get(vault, AS("app"), "email", "shared@threads.test", &json), BL_OK, "one winner stored");
    bl_string_free(json);
    json = NULL;

    /* Close, double close, use after close, made-up handles. */
    EXPECT(bl_vault_close(vault), BL_OK, "close");
    EXPECT(bl_vault_close(vault), BL_CLOSED, "double close");
    EXPECT(bl_subject_get(vault, AS("app"), "email", "b1@x.org", &json), BL_CLOSED, "use after close");
    EXPECT(bl_audit_flush(vault), BL_CLOSED, "flush after close");
    EXPECT(bl_vault_close(NULL), BL_INVALID_INPUT, "close NULL");
    EXPECT(bl_audit_head((bl_vault *)(uintptr_t)0xdeadbeef, &json), BL_CLOSED, "made-up vault handle");

    /* Wrong key: nothing written, right key reopens. */
    bl_key *wrong = NULL;
    bl_key_generate(&wrong);
    EXPECT(bl_vault_open(path, wrong, NULL, &vault), BL_WRONG_KEY, "wrong key");
    bl_key_free(wrong);
    EXPECT(bl_vault_open(path, key, NULL, &vault), BL_OK, "reopen");
    EXPECT(bl_subject_get(vault, AS("app"), "email", "b2@x.org", &json), BL_OK, "data survived");
    bl_string_free(json);
    bl_key_free(key);
    EXPECT(bl_audit_head(vault, &json), BL_OK, "vault usable after its key handle is freed");
    bl_string_free(json);

    /* Rekey: afterwards only the new key opens the vault. */
    bl_key *old = NULL, *next = NULL;
    EXPECT(bl_key_from_hex(hex, &old), BL_OK, "the old key again");
    EXPECT(bl_key_generate(&next), BL_OK, "a new key");
    EXPECT(bl_vault_rekey(vault, AS("admin:keys"), NULL), BL_INVALID_INPUT, "rekey without a key");
    EXPECT(bl_vault_rekey(vault, AS("admin:keys"), next), BL_OK, "rekey");
    EXPECT(bl_vault_close(vault), BL_OK, "close after rekey");
    EXPECT(bl_vault_open(path, old, NULL, &vault), BL_WRONG_KEY, "the old key no longer opens it");
    EXPECT(bl_vault_open(path, next, NULL, &vault), BL_OK, "the new key does");
    EXPECT(bl_subject_get(vault, AS("app"), "email", "b2@x.org", &json), BL_OK, "data survived the rekey");
    bl_string_free(json);
    bl_key_free(old);
    bl_key_free(next);
    EXPECT(bl_vault_close(vault), BL_OK, "close again");
    bl_string_free(hex);
    bl_string_free(NULL);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    printf("api: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
