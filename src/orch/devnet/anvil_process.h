#pragma once

#include <sys/types.h>

#include <string>

#include "orch/common/result.h"

// A private Anvil (Ethereum dev node from the npm package @foundry-rs/anvil) for the devnet and
// for each test that needs one: tests pause mining, restart the node and mine at will, which a
// shared node could not allow. The binary comes from $ORCH_ANVIL_BIN (scripts/test-services.sh
// exports it), else the project's node_modules. It listens on 127.0.0.1 only and dies with the
// object.
namespace orch::devnet {

struct AnvilOptions {
  std::string hardfork = "prague";
  int port = 0;  // 0: a free one
  /// Loads the chain from this file if it exists and writes it back when stopped (Stop(), not
  /// Kill()): a node restarted on the same port and file continues the same chain.
  std::string state_file;
  /// Seconds between blocks; 0 mines a block per transaction (automine).
  int block_time_seconds = 0;
};

/// The Anvil binary: $ORCH_ANVIL_BIN, else the project's node_modules.
std::string AnvilBinary();

class AnvilProcess {
 public:
  /// Starts Anvil and waits (up to 10 s) until it answers eth_chainId.
  /// Errors: kNotFound (no binary), kUnavailable (it did not start; its log is in the message).
  static Result<AnvilProcess> Start(const AnvilOptions& options = {});

  AnvilProcess(AnvilProcess&& other) noexcept;
  AnvilProcess& operator=(AnvilProcess&&) = delete;
  AnvilProcess(const AnvilProcess&) = delete;
  AnvilProcess& operator=(const AnvilProcess&) = delete;
  ~AnvilProcess();

  /// http://127.0.0.1:<port>
  const std::string& url() const { return url_; }
  int port() const { return port_; }

  /// Kills the node (SIGKILL) and waits for it; url() then refuses connections.
  void Kill();

  /// Stops the node (SIGTERM: it writes its state file, if any) and waits for it.
  void Stop();

  /// The first of Anvil's prefunded development keys (chain id 31337) and its address.
  static constexpr const char* kDevPrivateKey =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static constexpr const char* kDevAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  /// The second prefunded key: a second sender that never races the first for nonces.
  static constexpr const char* kSecondDevPrivateKey =
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

 private:
  AnvilProcess(pid_t pid, int port, std::string log_path);
  void Signal(int signal_number);

  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
  std::string log_path_;
};

}  // namespace orch::devnet
