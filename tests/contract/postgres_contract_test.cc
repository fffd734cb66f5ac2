// Runs every store and queue contract against PostgreSQL (ORCH_TEST_POSTGRES_URL).
#include "tests/contract/job_committer_contract.h"
#include "tests/contract/job_store_contract.h"
#include "tests/contract/lock_store_contract.h"
#include "tests/contract/queue_contract.h"

namespace orch::testing {

INSTANTIATE_TEST_SUITE_P(Postgres, JobStoreContract, ::testing::Values(PostgresBackend()),
                         BackendName());
INSTANTIATE_TEST_SUITE_P(Postgres, LockStoreContract, ::testing::Values(PostgresBackend()),
                         BackendName());
INSTANTIATE_TEST_SUITE_P(Postgres, QueueContract,
                         ::testing::Values(SqlQueueBackend(PostgresBackend())), BackendName());

INSTANTIATE_TEST_SUITE_P(Postgres, JobCommitterContract,
                         ::testing::Values(CommitterCase{PostgresBackend(), true},
                                           CommitterCase{PostgresBackend(), false}),
                         CommitterCaseName());

}  // namespace orch::testing
