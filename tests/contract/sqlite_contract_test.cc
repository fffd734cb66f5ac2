// Runs every store and queue contract against SQLite.
#include "tests/contract/job_committer_contract.h"
#include "tests/contract/job_store_contract.h"
#include "tests/contract/lock_store_contract.h"
#include "tests/contract/queue_contract.h"

namespace orch::testing {

INSTANTIATE_TEST_SUITE_P(Sqlite, JobStoreContract, ::testing::Values(SqliteBackend()),
                         BackendName());
INSTANTIATE_TEST_SUITE_P(Sqlite, LockStoreContract, ::testing::Values(SqliteBackend()),
                         BackendName());
INSTANTIATE_TEST_SUITE_P(Sqlite, QueueContract, ::testing::Values(SqlQueueBackend(SqliteBackend())),
                         BackendName());

INSTANTIATE_TEST_SUITE_P(Sqlite, JobCommitterContract,
                         ::testing::Values(CommitterCase{SqliteBackend(), true},
                                           CommitterCase{SqliteBackend(), false}),
                         CommitterCaseName());

}  // namespace orch::testing
