// A consumer killed with SIGKILL while it holds received, unacked messages loses none of them:
// they are delivered again once their visibility timeout passes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "tests/contract/test_database.h"

#include "orch/queue/sql/sql_queue.h"

namespace orch::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class QueueCrashTest : public ::testing::TestWithParam<DatabaseBackend> {
 protected:
  void SetUp() override { ORCH_OPEN_TEST_DATABASE(database_, GetParam()); }

  std::unique_ptr<TestDatabase> database_;
};

TEST_P(QueueCrashTest, KilledConsumerLosesNoMessages) {
  constexpr int kMessages = 20;
  SystemClock clock;
  queue::QueueSignal signal;
  queue::SqlQueue queue(database_->database(), clock, signal);
  ASSERT_TRUE(queue.CreateQueue({.name = "crash", .visibility_timeout = seconds(1)}).ok());
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(queue.Send("crash", std::to_string(i), milliseconds(0)).ok());
  }

  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(ORCH_QUEUE_CRASH_HELPER, ORCH_QUEUE_CRASH_HELPER, database_->url().c_str(), "crash",
          std::to_string(kMessages).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* child_out = fdopen(out[0], "r");
  char line[64] = {};
  const bool got_line = std::fgets(line, sizeof line, child_out) != nullptr;
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  std::fclose(child_out);
  ASSERT_TRUE(got_line) << "the helper exited before claiming the messages";
  ASSERT_EQ(std::string(line), "claimed " + std::to_string(kMessages) + "\n");
  ASSERT_TRUE(WIFSIGNALED(status));

  EXPECT_EQ(*queue.ApproximateNumberOfMessages("crash"), 0u) << "all were in flight";
  std::set<std::string> recovered;
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (recovered.size() < kMessages && std::chrono::steady_clock::now() < deadline) {
    auto messages = queue.Receive("crash", kMessages, seconds(5));
    ASSERT_TRUE(messages.ok()) << messages.error().ToString();
    for (const queue::Message& message : *messages) {
      EXPECT_EQ(message.receive_count, 2u);
      recovered.insert(message.body);
      ASSERT_TRUE(queue.Ack("crash", message.receipt).ok());
    }
  }
  EXPECT_EQ(recovered.size(), static_cast<std::size_t>(kMessages));
}

// ORCH_CRASH_BACKEND (SqliteBackend or PostgresBackend) is set per test executable.
INSTANTIATE_TEST_SUITE_P(Backends, QueueCrashTest, ::testing::Values(ORCH_CRASH_BACKEND()),
                         BackendName());

}  // namespace
}  // namespace orch::testing
