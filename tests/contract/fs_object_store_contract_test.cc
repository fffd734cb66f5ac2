#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tests/contract/object_store_contract.h"

#include "orch/objects/fs/fs_object_store.h"

namespace orch::objects {
namespace {

// An FsObjectStore in a fresh temporary directory, removed with the harness.
class FsHarness final : public ObjectStoreHarness {
 public:
  FsHarness() {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "fs_object_store_contract.XXXXXX").string();
    const char* created = ::mkdtemp(pattern.data());
    EXPECT_NE(created, nullptr) << "mkdtemp " << pattern;
    root_ = pattern;
    auto opened = FsObjectStore::Open((root_ / "store").string());
    EXPECT_TRUE(opened.ok()) << opened.error().ToString();
    if (opened.ok()) {
      store_ = std::move(opened).value();
    }
  }

  ~FsHarness() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  ObjectStore& store() override { return *store_; }

 private:
  std::filesystem::path root_;
  std::unique_ptr<FsObjectStore> store_;
};

const ObjectStoreBackend kFs{"fs", [] { return std::make_unique<FsHarness>(); }};

INSTANTIATE_TEST_SUITE_P(Fs, ObjectStoreContractTest, ::testing::Values(kFs),
                         ObjectStoreBackendName);
INSTANTIATE_TEST_SUITE_P(Fs, ObjectStoreOverwriteContractTest, ::testing::Values(kFs),
                         ObjectStoreBackendName);

}  // namespace
}  // namespace orch::objects
