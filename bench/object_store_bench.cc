// Artifact storage throughput: Put and Get of PIE-sized objects (5 MiB and 50 MiB, random
// bytes) in MB/s, on the local-directory store and on S3ObjectStore over the two S3 emulators
// (ORCH_TEST_FAUXQS_URL, ORCH_TEST_S3RVER_URL, from scripts/test-services.sh). The S3 figures
// measure this client, libcurl and an emulator in Node.js on loopback: they are not AWS
// figures (no TLS, no network, no S3 server-side limits). 50 MiB objects go up as multipart
// uploads (default 16 MiB threshold, 8 MiB parts, 4 in parallel).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "orch/aws/aws_client.h"
#include "orch/common/clock.h"
#include "orch/http/curl_http_client.h"
#include "orch/objects/fs/fs_object_store.h"
#include "orch/objects/s3/s3_object_store.h"

namespace orch::bench {
namespace {

namespace fs = std::filesystem;

enum Backend : int { kFs = 0, kFauxqs = 1, kS3rver = 2 };

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

const char* BackendLabel(std::int64_t backend) {
  switch (backend) {
    case kFs:
      return "fs (local directory)";
    case kFauxqs:
      return "fauxqs emulator, not AWS";
    default:
      return "s3rver emulator, not AWS";
  }
}

std::string RandomBytes(std::size_t size) {
  std::mt19937_64 random(size);
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    const std::uint64_t word = random();
    std::memcpy(bytes.data() + i, &word, 8);
  }
  return bytes;
}

// One store for one benchmark run, with what it needs; removes its objects (and its temporary
// directory or bucket) at the end.
class BenchStore {
 public:
  // Null after SkipWithError when the backend is unavailable.
  static std::unique_ptr<BenchStore> Open(benchmark::State& state) {
    auto bench_store = std::unique_ptr<BenchStore>(new BenchStore());
    const Result<void> opened = bench_store->OpenBackend(state.range(0));
    if (!opened.ok()) {
      state.SkipWithError(opened.error().ToString().c_str());
      return nullptr;
    }
    return bench_store;
  }

  ~BenchStore() {
    if (store_ != nullptr) {
      if (auto keys = store_->List(""); keys.ok()) {
        for (const std::string& key : *keys) {
          static_cast<void>(store_->Delete(key));
        }
      }
    }
    if (client_ != nullptr) {
      http::HttpRequest request;
      request.method = "DELETE";
      request.url = client_->endpoint() + "/" + bucket_;
      static_cast<void>(client_->Send("DeleteBucket", request));
    }
    if (!temp_dir_.empty()) {
      std::error_code ignored;
      fs::remove_all(temp_dir_, ignored);
    }
  }

  objects::ObjectStore& store() { return *store_; }

 private:
  BenchStore() = default;

  Result<void> OpenBackend(std::int64_t backend) {
    if (backend == kFs) {
      std::string pattern = (fs::temp_directory_path() / "orch-object-bench-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) {
        return Error::Unavailable("cannot create a temporary directory");
      }
      temp_dir_ = pattern;
      ORCH_ASSIGN_OR_RETURN(store_, objects::FsObjectStore::Open(temp_dir_.string()));
      return Ok();
    }
    const char* variable = backend == kFauxqs ? "ORCH_TEST_FAUXQS_URL" : "ORCH_TEST_S3RVER_URL";
    const char* url = std::getenv(variable);
    if (url == nullptr || *url == '\0') {
      return Error::InvalidArgument("{} is not set (scripts/test-services.sh start)", variable);
    }
    aws::AwsConfig config;
    config.credentials = {"S3RVER", "S3RVER", ""};  // s3rver's key; fauxqs takes any
    config.region = "us-east-1";
    config.endpoint_url = url;
    client_ = std::make_unique<aws::AwsClient>(http_, config, aws::S3Service(), clock_);
    bucket_ = fmt::format("orch-bench-{:x}", std::random_device{}());
    objects::S3ObjectStoreOptions options;
    options.location.bucket = bucket_;
    ORCH_ASSIGN_OR_RETURN(auto s3_store, objects::S3ObjectStore::Create(*client_, options));
    ORCH_RETURN_IF_ERROR(s3_store->CreateBucket());
    store_ = std::move(s3_store);
    return Ok();
  }

  http::CurlHttpClient http_;
  SystemClock clock_;
  std::unique_ptr<aws::AwsClient> client_;
  std::string bucket_;
  fs::path temp_dir_;
  std::unique_ptr<objects::ObjectStore> store_;
};

void BM_ObjectPut(benchmark::State& state) {
  state.SetLabel(BackendLabel(state.range(0)));
  auto bench_store = BenchStore::Open(state);
  if (!bench_store) {
    return;
  }
  const std::string bytes = RandomBytes(static_cast<std::size_t>(state.range(1) * kMiB));
  for (auto _ : state) {
    const Result<void> put = bench_store->store().Put("jobs/1/cairo_pie.zip", bytes);
    if (!put.ok()) {
      state.SkipWithError(put.error().ToString().c_str());
      return;
    }
  }
  state.SetBytesProcessed(state.iterations() * state.range(1) * kMiB);
}

void BM_ObjectGet(benchmark::State& state) {
  state.SetLabel(BackendLabel(state.range(0)));
  auto bench_store = BenchStore::Open(state);
  if (!bench_store) {
    return;
  }
  const std::string bytes = RandomBytes(static_cast<std::size_t>(state.range(1) * kMiB));
  if (const Result<void> put = bench_store->store().Put("jobs/1/cairo_pie.zip", bytes); !put.ok()) {
    state.SkipWithError(put.error().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    const Result<std::string> read = bench_store->store().Get("jobs/1/cairo_pie.zip");
    if (!read.ok() || read->size() != bytes.size()) {
      state.SkipWithError(read.ok() ? "short read" : read.error().ToString().c_str());
      return;
    }
  }
  state.SetBytesProcessed(state.iterations() * state.range(1) * kMiB);
}

void Sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"backend", "MiB"});
  for (const int backend : {kFs, kFauxqs, kS3rver}) {
    for (const int mebibytes : {5, 50}) {
      benchmark->Args({backend, mebibytes});
    }
  }
  benchmark->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_ObjectPut)->Apply(Sizes);
BENCHMARK(BM_ObjectGet)->Apply(Sizes);

}  // namespace
}  // namespace orch::bench

BENCHMARK_MAIN();
