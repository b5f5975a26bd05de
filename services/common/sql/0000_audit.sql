-- The audit trail (decision 0031, docs/api/audit.md) is db-init's: schema
-- audit, owned by loa_audit, with the trigger function audit.record() each
-- program's *_audit migration puts on its tables (the fields' before and
-- after, secrets hidden, derived columns left out) and audit.note(). A
-- database db-init has not prepared is refused here, saying what to run.
DO $$
BEGIN
    IF to_regprocedure('audit.record()') IS NULL OR
       to_regprocedure('audit.note(text, text, text, jsonb)') IS NULL THEN
        RAISE EXCEPTION 'the audit trail (schema audit) is missing: run loa-admin db-init, which makes it';
    END IF;
END
$$;
