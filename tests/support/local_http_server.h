#pragma once

// Test helpers for anything that speaks HTTP: a real local server, a closed port, and a gate
// that lets a server handler block until the test releases it.

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tests/support/loopback_port.h"

namespace orch::testing {

/// An httplib server on 127.0.0.1 at a free port, serving on its own thread until destroyed.
class LocalHttpServer {
 public:
  explicit LocalHttpServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server_);
    // Destroying the server waits for its idle keep-alive connections to time out (5 s by
    // default), and a test's client usually keeps one open; a client reconnects if it closed.
    server_.set_keep_alive_timeout(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      finished_ = true;
    });
  }

  ~LocalHttpServer() {
    // stop() is a no-op until the listen loop has started; that start is imminent.
    while (!server_.is_running() && !finished_) {
      std::this_thread::yield();
    }
    server_.stop();
    thread_.join();
  }

  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> finished_ = false;
  std::thread thread_;
};

/// A port on 127.0.0.1 that nothing listens on.
inline int ClosedLoopbackPort() { return test_support::FreeLoopbackPort(); }

/// Lets a server handler block until the test opens it (or 10 s pass, so that a failing test
/// cannot hang the server's shutdown).
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mutex_);
    opened_.wait_for(lock, std::chrono::seconds(10), [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

}  // namespace orch::testing
