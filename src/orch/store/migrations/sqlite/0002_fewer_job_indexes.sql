-- A job changes status several times and every index holding its status or lease is one more
-- page written per change. Queries by status or by block that name no type now list every
-- type and use jobs_type_status_internal_id or the (job_type, internal_id) key; expired leases
-- are looked for among the LockedForProcessing jobs, whose number the workers bound.
DROP INDEX jobs_status;
DROP INDEX jobs_internal_id;
DROP INDEX jobs_lease_expires_at;
