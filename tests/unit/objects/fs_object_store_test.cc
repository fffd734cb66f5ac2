#include "orch/objects/fs/fs_object_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace orch::objects {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the test temp dir, removed at the end of the test.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "fs_object_store_test.XXXXXX").string();
    EXPECT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Every file (not directory) under `root`, as paths relative to it.
std::vector<std::string> FilesUnder(const fs::path& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files.push_back(fs::relative(entry.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

class FsObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = FsObjectStore::Open(root().string());
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
  }

  fs::path root() const { return temp_.path() / "objects"; }
  FsObjectStore& store() { return *store_; }

 private:
  ScopedTempDir temp_;
  std::unique_ptr<FsObjectStore> store_;
};

TEST(FsObjectStoreOpenTest, CreatesTheDirectoryAndItsParents) {
  ScopedTempDir temp;
  const fs::path root = temp.path() / "deep" / "er" / "objects";
  auto store = FsObjectStore::Open(root.string());
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_TRUE(fs::is_directory(root));
  EXPECT_EQ((*store)->root(), root);
}

TEST(FsObjectStoreOpenTest, TrailingSlashNamesTheSameRoot) {
  ScopedTempDir temp;
  auto store = FsObjectStore::Open((temp.path() / "objects").string() + "/");
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_EQ((*store)->root(), temp.path() / "objects");
  ASSERT_TRUE((*store)->Put("a/b", "x").ok());
  ASSERT_TRUE((*store)->Delete("a/b").ok());
  EXPECT_TRUE(fs::is_directory(temp.path() / "objects"));
}

TEST(FsObjectStoreOpenTest, FailsWithPathAndReasonWhenTheDirectoryCannotBeCreated) {
  ScopedTempDir temp;
  WriteFile(temp.path() / "file", "not a directory");
  const fs::path root = temp.path() / "file" / "objects";
  auto store = FsObjectStore::Open(root.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message().find(root.string()), std::string::npos)
      << store.error().message();
  EXPECT_NE(store.error().message().find("Not a directory"), std::string::npos)
      << store.error().message();
}

TEST(FsObjectStoreOpenTest, RejectsAnEmptyPath) {
  auto store = FsObjectStore::Open("");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(FsObjectStoreTest, KeysAreFilesUnderTheRoot) {
  ASSERT_TRUE(store().Put("jobs/7/proof.json", "{}").ok());
  std::ifstream file(root() / "jobs" / "7" / "proof.json", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, "{}");
}

TEST_F(FsObjectStoreTest, PutLeavesNoTemporaryFiles) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store().Put("a/b", std::string(static_cast<std::size_t>(i) * 1000, 'x')).ok());
    ASSERT_TRUE(store().Put("a/c/d", "y").ok());
  }
  EXPECT_EQ(FilesUnder(root()), (std::vector<std::string>{"a/b", "a/c/d"}));
}

TEST_F(FsObjectStoreTest, ListSkipsTemporaryFilesLeftByACrash) {
  ASSERT_TRUE(store().Put("jobs/1/pie", "pie").ok());
  WriteFile(root() / "jobs" / "1" / ".pie.tmp.0123456789abcdef", "half a pie");
  WriteFile(root() / ".top.tmp.fedcba9876543210", "half");
  EXPECT_EQ(*store().List(""), std::vector<std::string>{"jobs/1/pie"});
  EXPECT_EQ(*store().List("jobs/1/"), std::vector<std::string>{"jobs/1/pie"});
}

TEST_F(FsObjectStoreTest, TemporaryFileNamesAreReservedKeys) {
  const Result<void> put = store().Put("jobs/.pie.tmp.0123456789abcdef", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(put.error().message().find("reserved"), std::string::npos);
  // Near misses are ordinary keys.
  EXPECT_TRUE(store().Put("jobs/.pie.tmp.0123", "x").ok());
  EXPECT_TRUE(store().Put("jobs/pie.tmp.0123456789abcdef", "x").ok());
}

TEST_F(FsObjectStoreTest, ListSkipsFilesWhoseNamesAreNotKeys) {
  ASSERT_TRUE(store().Put("good", "x").ok());
  WriteFile(root() / "back\\slash", "x");
  EXPECT_EQ(*store().List(""), std::vector<std::string>{"good"});
}

TEST_F(FsObjectStoreTest, KeysCannotEscapeTheRoot) {
  for (const char* key : {"../escaped", "a/../../escaped", "/tmp/escaped", "..\\escaped"}) {
    const Result<void> put = store().Put(key, "x");
    ASSERT_FALSE(put.ok()) << key;
    EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(fs::exists(root().parent_path() / "escaped"));
  EXPECT_TRUE(FilesUnder(root().parent_path()).empty());
}

TEST_F(FsObjectStoreTest, AKeyCannotAlsoBeADirectoryOfKeys) {
  ASSERT_TRUE(store().Put("a/b", "x").ok());
  const Result<void> file_over_directory = store().Put("a", "y");
  ASSERT_FALSE(file_over_directory.ok());
  EXPECT_EQ(file_over_directory.error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store().Put("c", "y").ok());
  const Result<void> directory_over_file = store().Put("c/d", "z");
  ASSERT_FALSE(directory_over_file.ok());
  EXPECT_EQ(directory_over_file.error().code(), ErrorCode::kFailedPrecondition);
  // Nothing changed, and nothing was left behind.
  EXPECT_EQ(FilesUnder(root()), (std::vector<std::string>{"a/b", "c"}));
  Result<std::string> directory = store().Get("a");
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store().Delete("a").ok());
  EXPECT_TRUE(store().Exists("a/b").value());
}

TEST_F(FsObjectStoreTest, DeleteRemovesDirectoriesLeftEmpty) {
  ASSERT_TRUE(store().Put("a/b/c", "x").ok());
  ASSERT_TRUE(store().Put("a/d", "y").ok());
  ASSERT_TRUE(store().Delete("a/b/c").ok());
  EXPECT_FALSE(fs::exists(root() / "a" / "b"));
  EXPECT_TRUE(fs::exists(root() / "a"));
  ASSERT_TRUE(store().Delete("a/d").ok());
  EXPECT_FALSE(fs::exists(root() / "a"));
  EXPECT_TRUE(fs::is_directory(root()));
  // The name is free again.
  EXPECT_TRUE(store().Put("a", "z").ok());
}

TEST_F(FsObjectStoreTest, OverlongSegmentIsAnInvalidKey) {
  const Result<void> put = store().Put("jobs/" + std::string(300, 'n'), "x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store().Exists("jobs/" + std::string(300, 'n')).value());
  EXPECT_EQ(FilesUnder(root()), std::vector<std::string>{});
}

TEST_F(FsObjectStoreTest, ConcurrentPutsToDifferentKeysAreAllReadable) {
  constexpr int kThreads = 8;
  constexpr int kKeys = 100;
  const auto key_of = [](int i) {
    return "jobs/" + std::to_string(i % 10) + "/" + std::to_string(i);
  };
  const auto content_of = [](int i) {
    return std::string(static_cast<std::size_t>(i) * 37, 'c') + std::to_string(i);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += kThreads) {
        const Result<void> put = store().Put(key_of(i), content_of(i));
        EXPECT_TRUE(put.ok()) << put.error().ToString();
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int i = 0; i < kKeys; ++i) {
    Result<std::string> bytes = store().Get(key_of(i));
    ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
    EXPECT_EQ(*bytes, content_of(i));
  }
  EXPECT_EQ(store().List("").value().size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(FilesUnder(root()).size(), static_cast<std::size_t>(kKeys));
}

TEST_F(FsObjectStoreTest, ConcurrentPutsAndDeletesUnderOneDirectoryNeverFail) {
  // Delete removes directories it empties while Put may be creating files in them.
  constexpr int kRounds = 200;
  std::thread putter([&] {
    for (int i = 0; i < kRounds; ++i) {
      const Result<void> put = store().Put("shared/dir/a", "x");
      EXPECT_TRUE(put.ok()) << put.error().ToString();
    }
  });
  std::thread churner([&] {
    for (int i = 0; i < kRounds; ++i) {
      EXPECT_TRUE(store().Put("shared/dir/b", "y").ok());
      EXPECT_TRUE(store().Delete("shared/dir/b").ok());
      EXPECT_TRUE(store().Delete("shared/dir/a").ok());
    }
  });
  putter.join();
  churner.join();
  EXPECT_EQ(FilesUnder(root()).size(), store().List("").value().size());
}

}  // namespace
}  // namespace orch::objects
