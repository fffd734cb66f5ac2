#include "orch/sql/postgres/postgres_database.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <unordered_map>

#include "orch/common/strings.h"
#include "orch/common/url.h"

namespace orch::sql {
namespace {

// libpq puts the connection string (password included) into some messages; keep only the
// first line and mask anything that looks like the URL.
std::string CleanMessage(std::string_view message, const std::string& url,
                         const std::string& redacted) {
  std::string text(TrimWhitespace(message.substr(0, message.find('\n'))));
  for (std::size_t at = text.find(url); !url.empty() && at != std::string::npos;
       at = text.find(url)) {
    text.replace(at, url.size(), redacted);
  }
  return text;
}

// The statements of a connection are prepared once (parsing and planning them again for every
// transaction cost more than running them); texts beyond this many run unprepared, so that
// statements built with varying IN lists cannot grow a connection's memory without bound.
constexpr std::size_t kMaxPreparedStatements = 256;

}  // namespace

struct PostgresDatabase::PooledConnection {
  std::unique_ptr<pqxx::connection> connection;
  std::unordered_map<std::string, std::string> prepared;  // SQL text -> statement name
};

namespace {

class PostgresSession final : public SqlSession {
 public:
  PostgresSession(pqxx::transaction_base& transaction, pqxx::connection& connection,
                  std::unordered_map<std::string, std::string>& prepared)
      : transaction_(transaction), connection_(connection), prepared_(prepared) {}

  Result<std::vector<SqlRow>> Query(std::string_view statement,
                                    const std::vector<SqlValue>& params) override {
    pqxx::result result = Run(statement, params);
    std::vector<SqlRow> rows;
    rows.reserve(result.size());
    for (const auto& tuple : result) {
      SqlRow row(tuple.size());
      for (std::size_t c = 0; c < tuple.size(); ++c) {
        if (!tuple[static_cast<pqxx::row::size_type>(c)].is_null()) {
          row[c] = tuple[static_cast<pqxx::row::size_type>(c)].c_str();
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view statement,
                               const std::vector<SqlValue>& params) override {
    return static_cast<std::int64_t>(Run(statement, params).affected_rows());
  }

  Result<void> ExecuteScript(std::string_view script) override {
    transaction_.exec(std::string(script));
    return Ok();
  }

 private:
  // Exceptions propagate to InTransaction, which converts them to errors in one place.
  pqxx::result Run(std::string_view statement, const std::vector<SqlValue>& params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* integer = std::get_if<std::int64_t>(&params[i])) {
        texts[i] = std::to_string(*integer);
        pointers[i] = texts[i].c_str();
      } else if (const auto* text = std::get_if<std::string>(&params[i])) {
        pointers[i] = text->c_str();
      }
    }
    std::string text(statement);
    auto it = prepared_.find(text);
    if (it == prepared_.end()) {
      if (prepared_.size() >= kMaxPreparedStatements) {
        return transaction_.exec_params(text, pqxx::prepare::make_dynamic_params(pointers));
      }
      std::string name = "orch_" + std::to_string(prepared_.size());
      connection_.prepare(name, text);
      it = prepared_.emplace(std::move(text), std::move(name)).first;
    }
    return transaction_.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(pointers));
  }

  pqxx::transaction_base& transaction_;
  pqxx::connection& connection_;
  std::unordered_map<std::string, std::string>& prepared_;
};

}  // namespace

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& url,
                                                                 const PostgresOptions& options) {
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase(url, options));
  ORCH_ASSIGN_OR_RETURN(auto connection, database->Connect());
  {
    std::lock_guard lock(database->mutex_);
    database->open_connections_ = 1;
    database->idle_.push_back(
        std::make_unique<PooledConnection>(PooledConnection{std::move(connection), {}}));
  }
  return database;
}

PostgresDatabase::PostgresDatabase(std::string url, const PostgresOptions& options)
    : url_(std::move(url)), redacted_url_(RedactUrl(url_)), options_(options) {}

PostgresDatabase::~PostgresDatabase() = default;

Result<std::unique_ptr<pqxx::connection>> PostgresDatabase::Connect() const {
  // libpq takes the timeout from the connection string; add it unless the operator set one.
  std::string conninfo = url_;
  if (conninfo.find("connect_timeout") == std::string::npos) {
    conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&");
    conninfo += "connect_timeout=" + std::to_string(options_.connect_timeout_seconds);
  }
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const pqxx::broken_connection& e) {
    return Error::Unavailable("cannot connect to PostgreSQL at {}: {}", redacted_url_,
                              CleanMessage(e.what(), conninfo, redacted_url_));
  } catch (const std::exception& e) {
    return Error::InvalidArgument("bad PostgreSQL URL {}: {}", redacted_url_,
                                  CleanMessage(e.what(), conninfo, redacted_url_));
  }
}

Result<std::unique_ptr<PostgresDatabase::PooledConnection>> PostgresDatabase::Acquire() {
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock,
                    [&] { return !idle_.empty() || open_connections_ < options_.connections; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_connections_;
  }
  Result<std::unique_ptr<pqxx::connection>> connection = Connect();
  if (!connection.ok()) {
    std::lock_guard lock(mutex_);
    --open_connections_;
    available_.notify_one();
    return connection.error();
  }
  return std::make_unique<PooledConnection>(PooledConnection{std::move(connection).value(), {}});
}

void PostgresDatabase::Release(std::unique_ptr<PooledConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    if (connection && connection->connection->is_open()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_connections_;
    }
  }
  available_.notify_one();
}

Result<void> PostgresDatabase::InTransaction(Access access,
                                             const std::function<Result<void>(SqlSession&)>& body) {
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<PooledConnection> pooled, Acquire());
  Result<void> result = Ok();
  bool broken = false;
  try {
    if (access != Access::kWrite) {
      // Reads and single statements run in autocommit mode, each statement on its own
      // snapshot and atomic by itself: BEGIN and COMMIT would triple the round trips of the
      // many one-statement transactions (queue polls, job loads, composed job changes).
      pqxx::nontransaction statements(*pooled->connection);
      PostgresSession session(statements, *pooled->connection, pooled->prepared);
      result = body(session);
    } else {
      pqxx::work transaction(*pooled->connection);
      PostgresSession session(transaction, *pooled->connection, pooled->prepared);
      result = body(session);
      if (result.ok()) {
        transaction.commit();
      } else {
        transaction.abort();
      }
    }
  } catch (const pqxx::unique_violation& e) {
    result = Error::AlreadyExists("{}", CleanMessage(e.what(), url_, redacted_url_));
  } catch (const pqxx::broken_connection& e) {
    broken = true;
    result = Error::Unavailable("PostgreSQL connection lost: {}",
                                CleanMessage(e.what(), url_, redacted_url_));
  } catch (const pqxx::in_doubt_error& e) {
    broken = true;
    result = Error::Unavailable("PostgreSQL commit outcome unknown: {}",
                                CleanMessage(e.what(), url_, redacted_url_));
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    const std::string message = CleanMessage(e.what(), url_, redacted_url_);
    // Class 40 (serialisation failure, deadlock) and 57/08 (shutdown, connection) may pass.
    if (state.starts_with("40") || state.starts_with("57") || state.starts_with("08")) {
      result = Error::Unavailable("PostgreSQL: {} (SQLSTATE {})", message, state);
    } else {
      result = Error::Internal("PostgreSQL: {} (SQLSTATE {})", message, state);
    }
  } catch (const std::exception& e) {
    result = Error::Internal("PostgreSQL: {}", CleanMessage(e.what(), url_, redacted_url_));
  }
  if (broken || !pooled->connection->is_open()) {
    pooled.reset();
  }
  Release(std::move(pooled));
  return result;
}

}  // namespace orch::sql
