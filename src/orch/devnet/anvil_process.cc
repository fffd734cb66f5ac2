#include "orch/devnet/anvil_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "orch/devnet/loopback_port.h"
#include "orch/http/curl_http_client.h"

namespace orch::devnet {
namespace {

std::string ReadLog(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string AnvilBinary() {
  const char* from_env = std::getenv("ORCH_ANVIL_BIN");
  if (from_env != nullptr && *from_env != '\0') {
    return from_env;
  }
  return (std::filesystem::path(ORCH_PROJECT_SOURCE_DIR) /
          "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
      .string();
}

Result<AnvilProcess> AnvilProcess::Start(const AnvilOptions& options) {
  const std::string binary = AnvilBinary();
  if (!std::filesystem::is_regular_file(binary)) {
    return Error::NotFound(
        "Anvil not found at {}: run scripts/install-deps.sh (npm @foundry-rs/anvil) or set "
        "ORCH_ANVIL_BIN",
        binary);
  }
  const int port = options.port != 0 ? options.port : FreeLoopbackPort();
  const std::string log_path =
      (std::filesystem::temp_directory_path() / ("orch-anvil-" + std::to_string(port) + ".log"))
          .string();
  const pid_t pid = fork();
  if (pid < 0) {
    return Error::Unavailable("cannot fork to start Anvil");
  }
  if (pid == 0) {
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    const std::string port_text = std::to_string(port);
    std::vector<const char*> arguments{
        binary.c_str(),          "--host", "127.0.0.1", "--port", port_text.c_str(), "--hardfork",
        options.hardfork.c_str()};
    const std::string block_time = std::to_string(options.block_time_seconds);
    if (options.block_time_seconds > 0) {
      arguments.push_back("--block-time");
      arguments.push_back(block_time.c_str());
    }
    if (!options.state_file.empty()) {
      arguments.push_back("--state");
      arguments.push_back(options.state_file.c_str());
    }
    arguments.push_back(nullptr);
    execv(binary.c_str(), const_cast<char* const*>(arguments.data()));
    _exit(127);
  }
  AnvilProcess anvil(pid, port, log_path);
  http::CurlHttpClient client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const Result<http::HttpResponse> response =
        client.Send({.method = "POST",
                     .url = anvil.url(),
                     .headers = {{"Content-Type", "application/json"}},
                     .body = R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]})",
                     .timeout = std::chrono::milliseconds(500)});
    if (response.ok() && response->status == 200) {
      return anvil;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      anvil.pid_ = -1;
      return Error::Unavailable("Anvil exited at start: {}", ReadLog(log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error::Unavailable("Anvil did not answer on {} within 10 s: {}", anvil.url(),
                            ReadLog(log_path));
}

AnvilProcess::AnvilProcess(pid_t pid, int port, std::string log_path)
    : pid_(pid),
      port_(port),
      url_("http://127.0.0.1:" + std::to_string(port)),
      log_path_(std::move(log_path)) {}

AnvilProcess::AnvilProcess(AnvilProcess&& other) noexcept
    : pid_(other.pid_),
      port_(other.port_),
      url_(std::move(other.url_)),
      log_path_(std::move(other.log_path_)) {
  other.pid_ = -1;
}

AnvilProcess::~AnvilProcess() {
  Kill();
  if (!log_path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(log_path_, ignored);
  }
}

void AnvilProcess::Kill() { Signal(SIGKILL); }

void AnvilProcess::Stop() { Signal(SIGTERM); }

void AnvilProcess::Signal(int signal_number) {
  if (pid_ > 0) {
    ::kill(pid_, signal_number);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

}  // namespace orch::devnet
