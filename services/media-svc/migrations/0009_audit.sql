-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() in the same transaction, with
-- the caller the program named (loa_audit.h). 0000_audit.sql checked that
-- db-init made it.
CREATE TRIGGER broadcasters_audit AFTER INSERT OR UPDATE OR DELETE ON broadcasters
    FOR EACH ROW EXECUTE FUNCTION audit.record('broadcaster', 'id');
CREATE TRIGGER packages_audit AFTER INSERT OR UPDATE OR DELETE ON packages
    FOR EACH ROW EXECUTE FUNCTION audit.record('package', 'id');
-- A package's versions: each new one (a correction, a cancellation) is
-- what staff did; the bag builder's later updates of a version are the
-- program's own and left out.
CREATE TRIGGER package_versions_audit AFTER INSERT ON package_versions
    FOR EACH ROW EXECUTE FUNCTION audit.record('package_version', 'package_id', '-ninjs',
        '-ninjs_sha256', '-bag_sha256', '-bag_size', '-manifest_sha256', '-manifest_size',
        '-bag_state', '-bag_next_at', '-bag_attempts', '-bag_error');
