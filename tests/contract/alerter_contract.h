#pragma once

// The behaviour every Alerter must have. A test file includes this header once and instantiates
// the suite with its harnesses:
//
//   INSTANTIATE_TEST_SUITE_P(All, AlerterContractTest,
//                            ::testing::Values(AlerterBackend{"log", &MakeLogHarness}),
//                            AlerterBackendName);

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "orch/alert/alerter.h"

namespace orch::alert {

/// An alerter under test together with what it needs (a client, a server); a fresh one for
/// every test. Destroying the harness destroys the alerter first.
class AlerterHarness {
 public:
  virtual ~AlerterHarness() = default;
  virtual Alerter& alerter() = 0;
};

struct AlerterBackend {
  std::string name;  // the test name suffix: letters, digits and '_' only
  std::function<std::unique_ptr<AlerterHarness>()> make;
};

// Shows the backend by name in test listings (gtest would dump its bytes).
inline void PrintTo(const AlerterBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string AlerterBackendName(const ::testing::TestParamInfo<AlerterBackend>& info) {
  return info.param.name;
}

/// Runs `work` on its own thread and waits for it at most `timeout`: true if it finished. On a
/// timeout the thread is left running (detached), so `work` must own everything it touches.
inline bool FinishesWithin(std::chrono::milliseconds timeout, std::function<void()> work) {
  struct State {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  std::thread thread([state, work = std::move(work)] {
    work();
    {
      std::lock_guard lock(state->mutex);
      state->done = true;
    }
    state->done_cv.notify_all();
  });
  bool finished = false;
  {
    std::unique_lock lock(state->mutex);
    finished = state->done_cv.wait_for(lock, timeout, [&] { return state->done; });
  }
  if (finished) {
    thread.join();
  } else {
    thread.detach();
  }
  return finished;
}

// Generous: the bound is on hanging, not on speed.
inline constexpr std::chrono::milliseconds kPromptly{10'000};

class AlerterContractTest : public ::testing::TestWithParam<AlerterBackend> {
 protected:
  std::unique_ptr<AlerterHarness> MakeHarness() {
    std::unique_ptr<AlerterHarness> harness = GetParam().make();
    EXPECT_NE(harness, nullptr);
    return harness;
  }
};

TEST_P(AlerterContractTest, SendAcceptsEverySeverityWithoutThrowing) {
  std::shared_ptr<AlerterHarness> harness = MakeHarness();
  EXPECT_NO_THROW(harness->alerter().Send(
      {.severity = Alert::Severity::kWarning, .subject = "disk filling", .message = "80%"}));
  EXPECT_NO_THROW(harness->alerter().Send(
      {.severity = Alert::Severity::kCritical, .subject = "job failed", .message = "SNOS 12"}));
}

TEST_P(AlerterContractTest, SendAcceptsUnusualText) {
  std::shared_ptr<AlerterHarness> harness = MakeHarness();
  const std::vector<Alert> alerts = {
      {.severity = Alert::Severity::kWarning, .subject = "", .message = ""},
      {.severity = Alert::Severity::kWarning,
       .subject = "quotes \" and \\ and {}",
       .message = "multi\nline\r\n\ttext {} {:x}"},
      {.severity = Alert::Severity::kCritical,
       .subject = "invalid UTF-8 \xff\xfe",
       .message = std::string("nul \0 inside", 12)},
      {.severity = Alert::Severity::kCritical,
       .subject = "big",
       .message = std::string(1 << 20, 'm')},
  };
  for (const Alert& alert : alerts) {
    EXPECT_NO_THROW(harness->alerter().Send(alert));
  }
}

TEST_P(AlerterContractTest, SendAndDestructionReturnPromptly) {
  std::shared_ptr<AlerterHarness> harness = MakeHarness();
  ASSERT_TRUE(FinishesWithin(kPromptly, [harness = std::move(harness)]() mutable {
    for (int i = 0; i < 20; ++i) {
      harness->alerter().Send({.severity = Alert::Severity::kCritical,
                               .subject = "alert " + std::to_string(i),
                               .message = "m"});
    }
    harness.reset();
  }));
}

TEST_P(AlerterContractTest, ConcurrentSendersArePromptAndSafe) {
  std::shared_ptr<AlerterHarness> harness = MakeHarness();
  ASSERT_TRUE(FinishesWithin(kPromptly, [harness = std::move(harness)]() mutable {
    std::vector<std::thread> senders;
    for (int t = 0; t < 4; ++t) {
      senders.emplace_back([&harness, t] {
        for (int i = 0; i < 25; ++i) {
          harness->alerter().Send({.severity = Alert::Severity::kWarning,
                                   .subject = "sender " + std::to_string(t),
                                   .message = std::to_string(i)});
        }
      });
    }
    for (std::thread& sender : senders) {
      sender.join();
    }
    harness.reset();
  }));
}

}  // namespace orch::alert
