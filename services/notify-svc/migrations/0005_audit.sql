-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() (made by db-init, owned by
-- loa_audit) in the same transaction, with the caller the program named
-- (loa_audit.h): who, when, from where, which action, and the fields'
-- before and after (secrets hidden, derived columns left out).
DO $$
BEGIN
    IF to_regprocedure('audit.record()') IS NULL THEN
        RAISE EXCEPTION 'the audit trail (schema audit) is missing: run loa-admin db-init, which makes it';
    END IF;
END
$$;
CREATE TRIGGER webhooks_audit AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH ROW EXECUTE FUNCTION audit.record('webhook', 'broadcaster_id');
