// Test helper for queue_crash_test: receives N messages from a queue without acking them,
// prints "claimed N" and waits to be killed. Usage: queue_crash_helper DATABASE_URL QUEUE N
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "orch/app/backends.h"
#include "orch/queue/sql/sql_queue.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATABASE_URL QUEUE N\n", argv[0]);
    return 2;
  }
  auto database = orch::app::OpenDatabase(argv[1]);
  if (!database.ok()) {
    std::fprintf(stderr, "error: %s\n", database.error().ToString().c_str());
    return 1;
  }
  orch::SystemClock clock;
  orch::queue::QueueSignal signal;
  orch::queue::SqlQueue queue(**database, clock, signal);
  const auto wanted = static_cast<std::size_t>(std::atoi(argv[3]));
  std::size_t claimed = 0;
  while (claimed < wanted) {
    auto messages = queue.Receive(argv[2], static_cast<std::uint32_t>(wanted - claimed),
                                  std::chrono::seconds(5));
    if (!messages.ok()) {
      std::fprintf(stderr, "error: %s\n", messages.error().ToString().c_str());
      return 1;
    }
    claimed += messages->size();
  }
  std::printf("claimed %zu\n", claimed);
  std::fflush(stdout);
  while (true) {
    pause();
  }
}
