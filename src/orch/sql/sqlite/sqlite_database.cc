#include "orch/sql/sqlite/sqlite_database.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <semaphore>
#include <unordered_map>

namespace orch::sql {
namespace {

Error SqliteError(sqlite3* connection, int code, std::string_view what) {
  const int primary = code & 0xff;
  const char* message = connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(code);
  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error::AlreadyExists("{}: {}", what, message);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error::Unavailable("{}: database is busy ({})", what, message);
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return Error::DataLoss("{}: the database file is corrupt or not a SQLite database ({})", what,
                           message);
  }
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR || primary == SQLITE_FULL ||
      primary == SQLITE_READONLY || primary == SQLITE_PERM) {
    return Error::Unavailable("{}: {}", what, message);
  }
  return Error::Internal("{}: {}", what, message);
}

}  // namespace

// Prepared statements of one connection, keyed by their SQL text. Preparing costs more than
// running most of the orchestrator's statements, and the set of distinct statements is small.
// Used only by the holder of the connection, so it needs no lock.
class SqliteStatementCache {
 public:
  ~SqliteStatementCache() {
    for (auto& [sql, statement] : statements_) {
      sqlite3_finalize(statement);
    }
  }

  // A ready statement (reset, bindings cleared), or nullptr with the prepare error code set.
  sqlite3_stmt* Get(sqlite3* connection, std::string_view sql, int* code) {
    const std::string key(sql);
    if (const auto it = statements_.find(key); it != statements_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      *code = SQLITE_OK;
      return it->second;
    }
    if (statements_.size() >= kMaxStatements) {
      // IN lists of varying length make new texts; start over rather than grow without bound.
      for (auto& [text, statement] : statements_) {
        sqlite3_finalize(statement);
      }
      statements_.clear();
    }
    sqlite3_stmt* statement = nullptr;
    *code = sqlite3_prepare_v3(connection, key.data(), static_cast<int>(key.size()),
                               SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (*code != SQLITE_OK) {
      sqlite3_finalize(statement);
      return nullptr;
    }
    statements_.emplace(key, statement);
    return statement;
  }

 private:
  static constexpr std::size_t kMaxStatements = 512;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

namespace {

class SqliteSession final : public SqlSession {
 public:
  SqliteSession(sqlite3* connection, SqliteStatementCache& cache)
      : connection_(connection), cache_(cache) {}

  Result<std::vector<SqlRow>> Query(std::string_view statement,
                                    const std::vector<SqlValue>& params) override {
    std::vector<SqlRow> rows;
    ORCH_RETURN_IF_ERROR(Run(statement, params, &rows));
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view statement,
                               const std::vector<SqlValue>& params) override {
    ORCH_RETURN_IF_ERROR(Run(statement, params, nullptr));
    return static_cast<std::int64_t>(sqlite3_changes(connection_));
  }

  Result<void> ExecuteScript(std::string_view script) override {
    const std::string text(script);
    char* message = nullptr;
    const int code = sqlite3_exec(connection_, text.c_str(), nullptr, nullptr, &message);
    if (code != SQLITE_OK) {
      Error error = SqliteError(connection_, sqlite3_extended_errcode(connection_), "script");
      sqlite3_free(message);
      return error;
    }
    return Ok();
  }

 private:
  Result<void> Run(std::string_view statement, const std::vector<SqlValue>& params,
                   std::vector<SqlRow>* rows) {
    int code = SQLITE_OK;
    sqlite3_stmt* raw = cache_.Get(connection_, statement, &code);
    if (raw == nullptr) {
      return SqliteError(connection_, sqlite3_extended_errcode(connection_), "prepare");
    }
    // Reset when done so that a cached statement holds no read snapshot between uses.
    struct Resetter {
      sqlite3_stmt* statement;
      ~Resetter() { sqlite3_reset(statement); }
    } resetter{raw};
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* integer = std::get_if<std::int64_t>(&params[i])) {
        code = sqlite3_bind_int64(raw, index, *integer);
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        code = sqlite3_bind_text(raw, index, text->data(), static_cast<int>(text->size()),
                                 SQLITE_STATIC);
      } else {
        code = sqlite3_bind_null(raw, index);
      }
      if (code != SQLITE_OK) {
        return SqliteError(connection_, code, "bind");
      }
    }
    while (true) {
      code = sqlite3_step(raw);
      if (code == SQLITE_DONE) {
        return Ok();
      }
      if (code != SQLITE_ROW) {
        return SqliteError(connection_, sqlite3_extended_errcode(connection_), "step");
      }
      if (rows == nullptr) {
        continue;
      }
      const int columns = sqlite3_column_count(raw);
      SqlRow row(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(raw, c) == SQLITE_NULL) {
          continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
        row[static_cast<std::size_t>(c)] =
            std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(raw, c)));
      }
      rows->push_back(std::move(row));
    }
  }

  sqlite3* connection_;
  SqliteStatementCache& cache_;
};

Result<void> Exec(sqlite3* connection, const char* statement, std::string_view what) {
  if (sqlite3_exec(connection, statement, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(connection, sqlite3_extended_errcode(connection), what);
  }
  return Ok();
}

Result<sqlite3*> OpenConnection(const std::string& path, const SqliteOptions& options) {
  sqlite3* connection = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &connection, flags, nullptr);
  if (code != SQLITE_OK) {
    Error error = SqliteError(connection, code, "open " + path);
    sqlite3_close(connection);
    return error;
  }
  sqlite3_extended_result_codes(connection, 1);
  sqlite3_busy_timeout(connection, options.busy_timeout_ms);
  // journal_mode=WAL reads the file header: a corrupt or foreign file fails here, at open.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                             "PRAGMA foreign_keys=ON", "PRAGMA quick_check(1)"}) {
    if (Result<void> result = Exec(connection, pragma, path); !result.ok()) {
      sqlite3_close(connection);
      return result.error();
    }
  }
  return connection;
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path,
                                                             const SqliteOptions& options) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty() && !std::filesystem::is_directory(parent, error)) {
    return Error::InvalidArgument("cannot open SQLite database {}: directory {} does not exist",
                                  path, parent.string());
  }
  // The pool, then the checkpointer's connection.
  std::vector<sqlite3*> connections;
  for (int i = 0; i <= std::max(1, options.connections); ++i) {
    Result<sqlite3*> connection = OpenConnection(path, options);
    if (!connection.ok()) {
      for (sqlite3* open : connections) {
        sqlite3_close(open);
      }
      return connection.error();
    }
    connections.push_back(*connection);
  }
  sqlite3* checkpointer = connections.back();
  connections.pop_back();
  // A RESTART checkpoint holds writers back while it waits for readers: a reader that takes
  // longer only postpones the restart to the next one.
  sqlite3_busy_timeout(checkpointer, std::min(options.busy_timeout_ms, 200));
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(
      path, std::move(connections), checkpointer, std::max(1, options.checkpoint_pages)));
}

SqliteDatabase::SqliteDatabase(std::string path, std::vector<sqlite3*> connections,
                               sqlite3* checkpointer, int checkpoint_pages)
    : path_(std::move(path)),
      all_connections_(connections),
      checkpoint_pages_(checkpoint_pages),
      checkpointer_connection_(checkpointer) {
  for (sqlite3* connection : connections) {
    statement_caches_.emplace(connection, std::make_unique<SqliteStatementCache>());
    // Replaces SQLite's own checkpoint in the commit that crosses the mark.
    sqlite3_wal_hook(connection, &SqliteDatabase::OnWalCommit, this);
  }
  if (connections.size() > 1) {
    writer_ = connections.front();
    connections.erase(connections.begin());
  }
  idle_connections_ = std::move(connections);
  checkpointer_ = std::jthread([this](const std::stop_token& stop) { RunCheckpoints(stop); });
}

SqliteDatabase::~SqliteDatabase() {
  checkpointer_.request_stop();
  if (checkpointer_.joinable()) {
    checkpointer_.join();
  }
  statement_caches_.clear();  // finalizes the statements before their connections close
  for (sqlite3* connection : all_connections_) {
    sqlite3_close(connection);
  }
  sqlite3_close(checkpointer_connection_);
}

int SqliteDatabase::OnWalCommit(void* database, sqlite3* connection, const char* schema,
                                int pages) {
  auto& self = *static_cast<SqliteDatabase*>(database);
  // A WAL shorter than a count taken earlier has started over since.
  const auto since = [pages](int earlier) { return pages >= earlier ? pages - earlier : pages; };
  if (since(self.checkpointed_frames_.load(std::memory_order_relaxed)) >=
      8 * self.checkpoint_pages_) {
    // The checkpointer is behind: this writer checkpoints, as SQLite would by itself.
    int copied_frames = 0;
    if (sqlite3_wal_checkpoint_v2(connection, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  &copied_frames) == SQLITE_OK) {
      self.checkpointed_frames_.store(copied_frames, std::memory_order_relaxed);
    }
  }
  {
    std::lock_guard lock(self.checkpoint_mutex_);
    if (since(self.frames_at_checkpoint_request_) < self.checkpoint_pages_) {
      return SQLITE_OK;
    }
    self.frames_at_checkpoint_request_ = pages;
    self.checkpoint_requested_ = true;
  }
  self.checkpoint_due_.notify_one();
  return SQLITE_OK;
}

void SqliteDatabase::RunCheckpoints(const std::stop_token& stop) {
  while (true) {
    {
      std::unique_lock lock(checkpoint_mutex_);
      if (!checkpoint_due_.wait(lock, stop, [&] { return checkpoint_requested_; })) {
        return;
      }
      checkpoint_requested_ = false;
      checkpoint_running_ = true;
    }
    // PASSIVE: copies what no reader still needs, without blocking readers or writers. The
    // next write starts the WAL over only if no reader uses it at that moment, which a busy
    // process rarely allows: past kRestartAfter checkpoints' worth of frames, a RESTART
    // checkpoint holds writers back until it has copied everything and the readers have left
    // the WAL (a few ms: new readers read the database file once everything is copied), so
    // that the WAL file, and the index every read searches, stay bounded.
    int wal_frames = 0;
    int copied_frames = 0;
    int code = sqlite3_wal_checkpoint_v2(checkpointer_connection_, nullptr,
                                         SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied_frames);
    if (code == SQLITE_OK && wal_frames >= kRestartAfter * checkpoint_pages_) {
      // Writes wait in this process's queue, not in SQLite's busy-wait sleeps.
      WhileWritesPaused([&] {
        code = sqlite3_wal_checkpoint_v2(checkpointer_connection_, nullptr,
                                         SQLITE_CHECKPOINT_RESTART, nullptr, &copied_frames);
      });
      restarts_.fetch_add(code == SQLITE_OK ? 1 : 0, std::memory_order_relaxed);
    }
    if (code != SQLITE_OK && (code & 0xff) != SQLITE_BUSY) {
      spdlog::warn("sqlite {}: checkpoint: {}", path_,
                   SqliteError(checkpointer_connection_, code, "checkpoint").message());
    }
    checkpointed_frames_.store(std::max(copied_frames, 0), std::memory_order_relaxed);
    checkpoints_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_running_ = false;
  }
}

sqlite3* SqliteDatabase::Acquire() {
  std::unique_lock lock(pool_mutex_);
  pool_available_.wait(lock, [&] { return !idle_connections_.empty(); });
  sqlite3* connection = idle_connections_.back();
  idle_connections_.pop_back();
  return connection;
}

void SqliteDatabase::Release(sqlite3* connection) {
  {
    std::lock_guard lock(pool_mutex_);
    idle_connections_.push_back(connection);
  }
  pool_available_.notify_one();
}

// A write transaction queued for the next group. Lives on its caller's stack until the group
// that ran it has committed and woken the caller.
struct SqliteDatabase::PendingWrite {
  const std::function<Result<void>(SqlSession&)>* body;  // null: a pause (WhileWritesPaused)
  Result<void> result = Ok();
  bool done = false;  // guarded by group_mutex_
  std::binary_semaphore wake{0};
};

Result<void> SqliteDatabase::InTransaction(Access access,
                                           const std::function<Result<void>(SqlSession&)>& body) {
  if (access != Access::kRead) {
    PendingWrite self{.body = &body};
    WaitForTurn(self);  // or until a group ran this write
    bool done = false;
    {
      std::lock_guard lock(group_mutex_);
      done = self.done;
    }
    if (!done) {
      LeadGroup(self);
    }
    return std::move(self.result);
  }

  sqlite3* connection = Acquire();
  struct Returner {
    SqliteDatabase* database;
    sqlite3* connection;
    ~Returner() { database->Release(connection); }
  } returner{this, connection};
  ORCH_RETURN_IF_ERROR(Exec(connection, "BEGIN", "begin"));
  SqliteSession session(connection, *statement_caches_.at(connection));
  Result<void> result = body(session);
  if (!result.ok()) {
    if (sqlite3_get_autocommit(connection) == 0) {
      if (Result<void> rollback = Exec(connection, "ROLLBACK", "rollback"); !rollback.ok()) {
        spdlog::warn("sqlite {}: {}", path_, rollback.error().ToString());
      }
    }
    return result;
  }
  return Exec(connection, "COMMIT", "commit");
}

SqliteWriteStatistics SqliteDatabase::write_statistics() const {
  std::lock_guard lock(group_mutex_);
  SqliteWriteStatistics statistics = statistics_;
  statistics.queued = pending_writes_.size();
  statistics.checkpoints = checkpoints_.load(std::memory_order_relaxed);
  statistics.wal_restarts = restarts_.load(std::memory_order_relaxed);
  {
    std::lock_guard checkpoint_lock(checkpoint_mutex_);
    statistics.checkpoint_due = checkpoint_requested_ || checkpoint_running_;
  }
  return statistics;
}

void SqliteDatabase::WaitForTurn(PendingWrite& self) {
  bool lead = false;
  {
    std::lock_guard lock(group_mutex_);
    pending_writes_.push_back(&self);
    lead = !group_running_;
    group_running_ = true;
  }
  if (!lead) {
    self.wake.acquire();
  }
}

SqliteDatabase::PendingWrite* SqliteDatabase::EndTurnLocked() {
  if (pending_writes_.empty()) {
    group_running_ = false;
    return nullptr;
  }
  return pending_writes_.front();
}

void SqliteDatabase::WhileWritesPaused(const std::function<void()>& action) {
  PendingWrite self{.body = nullptr};
  WaitForTurn(self);  // the writes queued before it have committed
  {
    std::lock_guard lock(group_mutex_);
    pending_writes_.pop_front();  // a turn is taken from the front of the queue
  }
  action();
  PendingWrite* next_leader = nullptr;
  {
    std::lock_guard lock(group_mutex_);
    next_leader = EndTurnLocked();
  }
  if (next_leader != nullptr) {
    next_leader->wake.release();
  }
}

void SqliteDatabase::LeadGroup(PendingWrite& self) {
  std::vector<PendingWrite*> group;
  {
    std::lock_guard lock(group_mutex_);
    while (!pending_writes_.empty() && group.size() < kMaxGroup &&
           pending_writes_.front()->body != nullptr) {
      group.push_back(pending_writes_.front());
      pending_writes_.pop_front();
    }
  }
  std::uint64_t transactions = 0;
  for (std::vector<PendingWrite*> unrun = group; !unrun.empty(); ++transactions) {
    unrun = RunGroup(unrun);
  }
  PendingWrite* next_leader = nullptr;
  {
    std::lock_guard lock(group_mutex_);
    statistics_.writes += group.size();
    statistics_.groups += transactions;
    for (PendingWrite* write : group) {
      write->done = true;
    }
    next_leader = EndTurnLocked();
  }
  for (PendingWrite* write : group) {
    if (write != &self) {
      write->wake.release();
    }
  }
  if (next_leader != nullptr) {
    next_leader->wake.release();
  }
}

namespace {

// Runs one write's body; an exception (a bug) becomes its error rather than unwinding the
// writer that runs the group, which would leave the other callers waiting.
Result<void> RunBody(const std::function<Result<void>(SqlSession&)>& body, SqlSession& session) {
  try {
    return body(session);
  } catch (const std::exception& exception) {
    return Error::Internal("write transaction threw: {}", exception.what());
  }
}

}  // namespace

std::vector<SqliteDatabase::PendingWrite*> SqliteDatabase::RunGroup(
    const std::vector<PendingWrite*>& group) {
  sqlite3* connection = writer_ != nullptr ? writer_ : Acquire();
  struct Returner {
    SqliteDatabase* database;
    sqlite3* pooled;
    ~Returner() {
      if (pooled != nullptr) {
        database->Release(pooled);
      }
    }
  } returner{this, writer_ != nullptr ? nullptr : connection};
  const auto rollback = [&] {
    if (sqlite3_get_autocommit(connection) == 0) {
      if (Result<void> rolled_back = Exec(connection, "ROLLBACK", "rollback"); !rolled_back.ok()) {
        spdlog::warn("sqlite {}: {}", path_, rolled_back.error().ToString());
      }
    }
  };
  // Every member fails with `error` and nothing of the group is kept.
  const auto fail_group = [&](const Error& error) {
    rollback();
    for (PendingWrite* write : group) {
      write->result = error;
    }
    return std::vector<PendingWrite*>{};
  };
  if (Result<void> begin = Exec(connection, "BEGIN IMMEDIATE", "begin"); !begin.ok()) {
    return fail_group(begin.error());
  }
  SqliteSession session(connection, *statement_caches_.at(connection));
  if (group.size() == 1) {
    PendingWrite& write = *group.front();
    write.result = RunBody(*write.body, session);
    if (!write.result.ok()) {
      rollback();
      return {};
    }
  } else {
    for (std::size_t i = 0; i < group.size(); ++i) {
      PendingWrite& write = *group[i];
      if (Result<std::int64_t> savepoint = session.Execute("SAVEPOINT group_member", {});
          !savepoint.ok()) {
        return fail_group(savepoint.error());
      }
      write.result = RunBody(*write.body, session);
      if (sqlite3_get_autocommit(connection) != 0) {
        // SQLite ended the whole transaction (I/O error, disk full): the writes before this
        // one went with it; the rest run in a group of their own.
        const Error lost = write.result.ok()
                               ? Error::Unavailable("sqlite {}: the transaction ended early", path_)
                               : write.result.error();
        for (std::size_t j = 0; j <= i; ++j) {
          group[j]->result = j == i ? lost
                                    : Error::Unavailable(
                                          "sqlite {}: rolled back with another write of its "
                                          "group: {}",
                                          path_, lost.message());
        }
        return {group.begin() + static_cast<std::ptrdiff_t>(i) + 1, group.end()};
      }
      Result<std::int64_t> end = session.Execute(
          write.result.ok() ? "RELEASE group_member" : "ROLLBACK TO group_member", {});
      if (end.ok() && !write.result.ok()) {
        end = session.Execute("RELEASE group_member", {});
      }
      if (!end.ok()) {
        return fail_group(end.error());
      }
    }
  }
  if (Result<void> commit = Exec(connection, "COMMIT", "commit"); !commit.ok()) {
    rollback();
    for (PendingWrite* write : group) {
      if (write->result.ok()) {
        write->result = commit.error();
      }
    }
  }
  return {};
}

}  // namespace orch::sql
