-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() in the same transaction, with
-- the caller the program named (loa_audit.h). 0000_audit.sql checked that
-- db-init made it.
CREATE TRIGGER webhooks_audit AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH ROW EXECUTE FUNCTION audit.record('webhook', 'broadcaster_id');
