// `orchestrator setup --aws ...` and `orchestrator run` on AWS backends, as an operator runs
// them, against the emulators of scripts/test-services.sh: fauxqs (SQS, SNS), s3rver (S3) and
// the in-repo EventBridge fake (no emulator speaks EventBridge; it checks every signature).
// Setup runs twice (idempotent) and is killed half-way and run again (it resumes); the
// resulting queues carry the visibility timeouts and redrive policies of the queue layout.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "tests/contract/test_database.h"
#include "tests/fakes/fake_eventbridge_server.h"
#include "tests/support/exec_arguments.h"
#include "tests/support/fauxqs_sqs.h"

#include "orch/alert/sns/sns_client.h"
#include "orch/engine/pipeline_triggers.h"
#include "orch/engine/queue_layout.h"
#include "orch/objects/s3/s3_object_store.h"

namespace orch::testing {
namespace {

using nlohmann::json;

// s3rver accepts only this key; the fake EventBridge and fauxqs are told the same.
const aws::AwsCredentials kCredentials{.access_key_id = "S3RVER", .secret_access_key = "S3RVER"};

struct CommandOutcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A TCP port that accepts connections and never answers: a hung AWS endpoint.
class SilentEndpoint {
 public:
  SilentEndpoint() {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(socket_, 16);
    socklen_t length = sizeof address;
    ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentEndpoint() { ::close(socket_); }
  SilentEndpoint(const SilentEndpoint&) = delete;
  SilentEndpoint& operator=(const SilentEndpoint&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int socket_ = -1;
  int port_ = 0;
};

class AwsSetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* fauxqs = std::getenv("ORCH_TEST_FAUXQS_URL");
    const char* s3rver = std::getenv("ORCH_TEST_S3RVER_URL");
    ASSERT_TRUE(fauxqs != nullptr && s3rver != nullptr)
        << "ORCH_TEST_FAUXQS_URL and ORCH_TEST_S3RVER_URL are not set: start the AWS emulators "
           "with eval \"$(scripts/test-services.sh start DIR)\"";
    fauxqs_url_ = fauxqs;
    s3rver_url_ = s3rver;
    fake_ = std::make_unique<FakeEventBridgeServer>(
        FakeEventBridgeServer::Options{.credentials = kCredentials, .sqs_endpoint = fauxqs_url_});
    // Bucket names are lower case; queue and rule names take the prefix too.
    prefix_ = "t" + UniqueAwsName("s").substr(2);
    database_url_ = "sqlite://" + dir_.path() + "/orchestrator.db";
    layout_ = std::make_unique<engine::QueueLayout>(*engine::QueueLayout::Create(
        engine::Layer::kL2, {.name_template = prefix_ + "_mo_{}_queue"}));
    config_ = FauxqsConfig(fauxqs_url_);
    config_.credentials = kCredentials;
    config_.service_endpoints = {{"s3", s3rver_url_}};
  }

  std::vector<std::string> Environment(const std::string& eventbridge_url) const {
    return {"AWS_ACCESS_KEY_ID=" + kCredentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY=" + kCredentials.secret_access_key,
            "AWS_REGION=us-east-1",
            "AWS_ENDPOINT_URL=" + fauxqs_url_,
            "AWS_ENDPOINT_URL_S3=" + s3rver_url_,
            "AWS_ENDPOINT_URL_EVENTBRIDGE=" + eventbridge_url,
            "PATH=/usr/bin:/bin"};
  }

  std::vector<std::string> AwsFlags() const {
    return {"--database-url", database_url_, "--aws",        "--aws-s3",
            "--aws-sqs",      "--aws-sns",   "--aws-prefix", prefix_};
  }

  std::vector<std::string> SetupArguments() const {
    std::vector<std::string> arguments = {"setup"};
    for (const std::string& flag : AwsFlags()) {
      arguments.push_back(flag);
    }
    for (const char* flag : {"--aws-event-bridge", "--event-bridge-type", "rule",
                             "--interval-seconds", "120", "--storage-expiration-days", "7"}) {
      arguments.emplace_back(flag);
    }
    return arguments;
  }

  // Starts the binary with `arguments` and only `environment`; stdout and stderr are pipes.
  pid_t Start(const std::vector<std::string>& arguments,
              const std::vector<std::string>& environment, int& out_fd, int& err_fd) const {
    int out[2];
    int err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    const std::vector<char*> argv = test_support::ExecArray(arguments, ORCH_BINARY);
    const std::vector<char*> envp = test_support::ExecArray(environment);
    const pid_t child = fork();
    if (child == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      for (int fd : {out[0], out[1], err[0], err[1]}) {
        close(fd);
      }
      chdir(dir_.path().c_str());  // no stray .env file
      execve(ORCH_BINARY, argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_fd = out[0];
    err_fd = err[0];
    return child;
  }

  static std::string ReadAll(int fd) {
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    return text;
  }

  CommandOutcome Run(const std::vector<std::string>& arguments,
                     const std::string& eventbridge_url) const {
    int out = -1;
    int err = -1;
    const pid_t child = Start(arguments, Environment(eventbridge_url), out, err);
    CommandOutcome outcome;
    outcome.out = ReadAll(out);
    outcome.err = ReadAll(err);
    int status = 0;
    waitpid(child, &status, 0);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
  }

  // The queues setup makes for prefix_ (set in SetUp).
  const engine::QueueLayout& Layout() const { return *layout_; }

  Result<json> Sqs(std::string_view operation, const json& body) const {
    return sqs_client_.CallJson("AmazonSQS", "1.0", operation, body);
  }

  Result<json> QueueAttributes(const std::string& name) const {
    ORCH_ASSIGN_OR_RETURN(const json url, Sqs("GetQueueUrl", {{"QueueName", name}}));
    ORCH_ASSIGN_OR_RETURN(json attributes,
                          Sqs("GetQueueAttributes", {{"QueueUrl", url["QueueUrl"]},
                                                     {"AttributeNames", json::array({"All"})}}));
    return attributes["Attributes"];
  }

  // Every queue of the layout exists with its visibility timeout and redrive policy.
  void ExpectQueuesAsLaidOut() const {
    for (const queue::QueueConfig& config : Layout().Configs()) {
      const Result<json> attributes = QueueAttributes(config.name);
      ASSERT_TRUE(attributes.ok()) << config.name << ": " << attributes.error().ToString();
      EXPECT_EQ(
          (*attributes)["VisibilityTimeout"],
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(config.visibility_timeout).count()))
          << config.name;
      const std::string redrive = attributes->value("RedrivePolicy", "");
      if (!config.dead_letter_queue) {
        EXPECT_TRUE(redrive.empty()) << config.name << ": " << redrive;
        continue;
      }
      ASSERT_FALSE(redrive.empty()) << config.name;
      const json policy = json::parse(redrive);
      EXPECT_TRUE(policy["deadLetterTargetArn"].get<std::string>().ends_with(
          ":" + *config.dead_letter_queue))
          << config.name << ": " << redrive;
      const json& count = policy["maxReceiveCount"];
      EXPECT_EQ(count.is_string() ? count.get<std::string>() : count.dump(),
                std::to_string(config.max_receive_count))
          << config.name << ": " << redrive;
    }
  }

  TempDir dir_;
  std::string fauxqs_url_;
  std::string s3rver_url_;
  std::string prefix_;
  std::string database_url_;
  std::unique_ptr<engine::QueueLayout> layout_;
  aws::AwsConfig config_;
  std::unique_ptr<FakeEventBridgeServer> fake_;
  http::CurlHttpClient http_;
  SystemClock clock_;
  aws::AwsClient sqs_client_{http_,
                             FauxqsConfig(std::getenv("ORCH_TEST_FAUXQS_URL") != nullptr
                                              ? std::getenv("ORCH_TEST_FAUXQS_URL")
                                              : "http://127.0.0.1:1"),
                             aws::SqsService(), clock_};
};

TEST_F(AwsSetupTest, DryRunPrintsThePlanAndCreatesNothing) {
  std::vector<std::string> arguments = SetupArguments();
  arguments.emplace_back("--dry-run");
  const CommandOutcome outcome = Run(arguments, fake_->url());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("--dry-run: nothing is changed"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("S3 bucket " + prefix_ + "-mo-bucket"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("SQS queue " + Layout().TriggerQueue()), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("EventBridge rule " + prefix_ + "-mo-wt-rule-snos: rate(2 minutes)"),
            std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("SNS topic " + prefix_ + "-alerts"), std::string::npos) << outcome.out;
  const Result<json> missing = QueueAttributes(Layout().TriggerQueue());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fake_->calls().size(), 0u);
}

TEST_F(AwsSetupTest, KilledHalfWayThenRunTwiceCreatesEverythingOnce) {
  // First run: EventBridge hangs, so setup stops after the queues; it is killed there.
  {
    SilentEndpoint hung;
    int out = -1;
    int err = -1;
    const pid_t child = Start(SetupArguments(), Environment(hung.url()), out, err);
    FILE* progress = fdopen(out, "r");
    std::string seen;
    char line[2048];
    const std::string last_queue = "SQS queue " + Layout().Configs().back().name;
    while (std::fgets(line, sizeof line, progress) != nullptr) {
      seen += line;
      if (std::string(line).find(last_queue) != std::string::npos) {
        break;
      }
    }
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    waitpid(child, &status, 0);
    std::fclose(progress);
    close(err);
    ASSERT_NE(seen.find(last_queue), std::string::npos) << seen;
    EXPECT_EQ(seen.find("EventBridge rule"), std::string::npos) << seen;
  }
  ExpectQueuesAsLaidOut();
  EXPECT_EQ(fake_->calls().size(), 0u);

  // Second run resumes and finishes.
  const CommandOutcome resumed = Run(SetupArguments(), fake_->url());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("setup complete"), std::string::npos) << resumed.out;
  const std::vector<std::string_view> triggers = engine::TriggerNames(engine::Layer::kL2);
  for (const std::string_view trigger : triggers) {
    std::string lower(trigger);
    for (char& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const std::string name = prefix_ + "-mo-wt-rule-" + lower;
    EXPECT_NE(resumed.out.find("EventBridge rule " + name), std::string::npos) << resumed.out;
    const std::optional<FakeEventBridgeServer::Rule> rule = fake_->rule(name);
    ASSERT_TRUE(rule.has_value()) << name;
    EXPECT_EQ(rule->schedule_expression, "rate(2 minutes)");
    ASSERT_EQ(rule->targets.size(), 1u);
    const json& target = rule->targets.begin()->second;
    EXPECT_TRUE(target["Arn"].get<std::string>().ends_with(":" + Layout().TriggerQueue()));
    EXPECT_EQ(target["Input"], json(std::string(trigger)).dump());
  }
  ExpectQueuesAsLaidOut();
  const Result<json> trigger_queue = QueueAttributes(Layout().TriggerQueue());
  ASSERT_TRUE(trigger_queue.ok());
  const std::string policy = trigger_queue->value("Policy", "");
  EXPECT_NE(policy.find("events.amazonaws.com"), std::string::npos) << policy;
  EXPECT_NE(policy.find(":rule/" + prefix_ + "-mo-wt-rule-updatestate"), std::string::npos)
      << policy;

  aws::AwsClient s3(http_, config_, aws::S3Service(), clock_);
  auto store = objects::S3ObjectStore::Create(
      s3, {.location = {.bucket = prefix_ + "-mo-bucket", .key_prefix = ""}});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_TRUE((*store)->HeadBucket().ok());
  aws::AwsClient sns_client(http_, FauxqsConfig(fauxqs_url_), aws::SnsService(), clock_);
  const Result<std::string> topic =
      alert::SnsClient(sns_client).ResolveTopicArn(prefix_ + "-alerts");
  EXPECT_TRUE(topic.ok()) << topic.error().ToString();

  // Third run: nothing left to do; EventBridge is only read.
  const std::size_t puts_before = fake_->CallCount("PutRule") + fake_->CallCount("PutTargets");
  const CommandOutcome again = Run(SetupArguments(), fake_->url());
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(fake_->CallCount("PutRule") + fake_->CallCount("PutTargets"), puts_before);
  std::size_t unchanged = 0;
  for (std::size_t at = again.out.find(": unchanged"); at != std::string::npos;
       at = again.out.find(": unchanged", at + 1)) {
    ++unchanged;
  }
  EXPECT_EQ(unchanged, triggers.size()) << again.out;
  ExpectQueuesAsLaidOut();

  // What the rules send reaches worker_trigger.
  ASSERT_TRUE(fake_->FireAll().ok());
  FauxqsSqs reader(fauxqs_url_);
  const Result<json> url = Sqs("GetQueueUrl", {{"QueueName", Layout().TriggerQueue()}});
  ASSERT_TRUE(url.ok());
  std::vector<std::string> bodies;
  for (int attempt = 0; attempt < 5 && bodies.size() < triggers.size(); ++attempt) {
    const Result<std::vector<std::string>> received =
        reader.Receive({.name = Layout().TriggerQueue(), .url = (*url)["QueueUrl"], .arn = ""},
                       std::chrono::seconds(1));
    ASSERT_TRUE(received.ok()) << received.error().ToString();
    bodies.insert(bodies.end(), received->begin(), received->end());
  }
  EXPECT_EQ(bodies.size(), triggers.size());
}

TEST_F(AwsSetupTest, RunRefusesMissingResourcesThenServesOnAwsBackends) {
  std::vector<std::string> run = {"run"};
  for (const std::string& flag : AwsFlags()) {
    run.push_back(flag);
  }
  run.insert(run.end(), {"--port", "0"});

  // Before setup: the schema, then the queues, are missing; each says what to run.
  ASSERT_EQ(Run({"setup", "--database-url", database_url_}, fake_->url()).exit_code, 0);
  CommandOutcome refused = Run(run, fake_->url());
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("SNS topic " + prefix_ + "-alerts"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("orchestrator setup --aws --aws-sns"), std::string::npos)
      << refused.err;

  std::vector<std::string> queues_only = {"run",   "--database-url", database_url_,
                                          "--aws", "--aws-sqs",      "--aws-prefix",
                                          prefix_, "--port",         "0"};
  refused = Run(queues_only, fake_->url());
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("SQS queue(s) missing: " + Layout().Configs().front().name),
            std::string::npos)
      << refused.err;
  std::vector<std::string> bucket_only = {"run",   "--database-url", database_url_,
                                          "--aws", "--aws-s3",       "--aws-prefix",
                                          prefix_, "--port",         "0"};
  refused = Run(bucket_only, fake_->url());
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("S3 bucket " + prefix_ + "-mo-bucket (create it with"),
            std::string::npos)
      << refused.err;

  std::vector<std::string> setup = {"setup"};
  for (const std::string& flag : AwsFlags()) {
    setup.push_back(flag);
  }
  const CommandOutcome done = Run(setup, fake_->url());
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_NE(done.out.find("no lifecycle rules (HTTP 501 NotImplemented)"), std::string::npos)
      << done.out;

  int out = -1;
  int err = -1;
  const pid_t child = Start(run, Environment(fake_->url()), out, err);
  FILE* log = fdopen(err, "r");
  std::string output;
  int port = 0;
  char line[2048];
  const std::regex serving("serving on http://127\\.0\\.0\\.1:([0-9]+)");
  while (port == 0 && std::fgets(line, sizeof line, log) != nullptr) {
    output += line;
    std::cmatch match;
    if (std::regex_search(line, match, serving)) {
      port = std::stoi(match[1].str());
    }
  }
  ASSERT_NE(port, 0) << output;
  httplib::Client api("127.0.0.1", port);
  const auto metrics = api.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("orch_queue_visible_messages{"), std::string::npos);
  ASSERT_EQ(kill(child, SIGTERM), 0);
  while (std::fgets(line, sizeof line, log) != nullptr) {
    output += line;
  }
  std::fclose(log);
  ReadAll(out);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output.find("S3RVER"), std::string::npos) << "credentials in the log:\n" << output;
}

}  // namespace
}  // namespace orch::testing
