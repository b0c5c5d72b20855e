/* bunkerlite quickstart (C): create, look up, update, tokenize, read the audit trail, erase. */
#include <stdio.h>
#include <stdlib.h>

#include "bunkerlite.h"

static int fail(const char *what) {
    fprintf(stderr, "%s failed: %s\n", what, bl_last_error_message());
    return 1;
}

int main(void) {
    char path[] = "/tmp/bunkerlite-quickstart-c.db";
    remove(path);
    bl_key *key = NULL;
    bl_vault *vault = NULL;
    char *token = NULL, *json = NULL;

    /* In production the key comes from your secret store: bl_key_from_env("BUNKERLITE_KEY", &key). */
    if (bl_key_generate(&key) != BL_OK) return fail("bl_key_generate");
    if (bl_vault_open(path, key, NULL, &vault) != BL_OK) return fail("bl_vault_open");
    bl_key_free(key);

    /* Every audited call names who acts and, optionally, why (a processing activity). */
    const bl_caller signup = {"app:signup", NULL}, billing = {"app:billing", "invoicing"}, dpo = {"admin:dpo", NULL};

    if (bl_subject_create(vault, &signup, "{\"email\":\"Ann.Lee@Example.com\",\"name\":\"Ann Lee\"}", &token) != BL_OK)
        return fail("bl_subject_create");
    printf("created subject %s\n", token);

    if (bl_subject_get(vault, &billing, "email", "ann.lee@example.com", &json) != BL_OK) return fail("bl_subject_get");
    printf("found by email: %s\n", json);
    bl_string_free(json);

    const bl_caller crm = {"app:crm", NULL};
    if (bl_subject_update(vault, &crm, "token", token, "{\"phone\":\"+49 30 901820\"}", &json) != BL_OK)
        return fail("bl_subject_update");
    printf("updated: %s\n", json);
    bl_string_free(json);

    /* A token stands in for one value elsewhere (here a card number); only the vault maps it back.
       Linked to the subject, it is erased with her. */
    const bl_caller payments = {"app:payments", NULL}, support = {"app:support", "support"};
    char options[160], *card = NULL;
    snprintf(options, sizeof options, "{\"kind\":\"card\",\"keep_last\":4,\"subject\":\"%s\"}", token);
    if (bl_token_create(vault, &payments, "4111 1111 1111 1111", options, &card) != BL_OK) return fail("bl_token_create");
    if (bl_token_detokenize(vault, &support, card, "{\"mask\":{}}", &json) != BL_OK) return fail("bl_token_detokenize");
    printf("card token: %s -> %s\n", card, json);
    bl_string_free(json);
    bl_string_free(card);

    if (bl_audit_list(vault, &dpo, token, NULL, 10, false, &json) != BL_OK) return fail("bl_audit_list");
    printf("audit trail: %s\n", json);
    bl_string_free(json);

    if (bl_subject_forget(vault, &dpo, "token", token, &json) != BL_OK) return fail("bl_subject_forget");
    printf("erased: %s\n", json);
    bl_string_free(json);

    int rc = bl_subject_get(vault, &billing, "token", token, &json);
    printf("after erasure: %s\n", bl_error_code_name(rc));
    bl_string_free(token);

    /* Rewrite the file so no stale copy of the erased rows survives (run after erasures, e.g. nightly). */
    if (bl_vault_compact(vault, &dpo, &json) != BL_OK) return fail("bl_vault_compact");
    printf("compacted: %s\n", json);
    bl_string_free(json);

    if (bl_audit_verify(vault, NULL, &json) != BL_OK) return fail("bl_audit_verify");
    printf("audit chain verified: %s\n", json);
    bl_string_free(json);

    if (bl_vault_close(vault) != BL_OK) return fail("bl_vault_close");
    remove(path);
    return rc == BL_ERASED ? 0 : 1;
}
