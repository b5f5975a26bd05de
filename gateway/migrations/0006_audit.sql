-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() in the same transaction, with
-- the caller the program named (loa_audit.h). 0000_audit.sql checked that
-- db-init made it.
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit.record('user', 'id', '*password_hash');
CREATE TRIGGER api_keys_audit AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION audit.record('api_key', 'id', '*key_hash', '-last_used_at');
