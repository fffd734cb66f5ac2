#include "orch/http/curl_http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/local_http_server.h"

namespace orch::http {
namespace {

using ::orch::testing::ClosedLoopbackPort;
using ::orch::testing::Gate;
using ::orch::testing::LocalHttpServer;

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

HttpRequest Request(std::string method, std::string url) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  return request;
}

TEST(CurlHttpClientTest, GetReturnsStatusBodyAndHeaders) {
  LocalHttpServer server([](httplib::Server& svr) {
    svr.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Reply", "yes");
      res.set_content("world", "text/plain");
    });
  });
  CurlHttpClient client;
  Result<HttpResponse> response = client.Send(Request("GET", server.url("/hello")));
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "world");
  EXPECT_EQ(FindHeader(response->headers, "x-reply"), "yes");
  EXPECT_EQ(FindHeader(response->headers, "Content-Type"), "text/plain");
}

TEST(CurlHttpClientTest, PostSendsBodyAndHeaders) {
  std::string received_body;
  std::string received_type;
  std::string received_token;
  LocalHttpServer server([&](httplib::Server& svr) {
    svr.Post("/echo", [&](const httplib::Request& req, httplib::Response& res) {
      received_body = req.body;
      received_type = req.get_header_value("Content-Type");
      received_token = req.get_header_value("X-Token");
      res.status = 201;
      res.set_content(req.body, "application/octet-stream");
    });
  });
  CurlHttpClient client;
  HttpRequest request = Request("POST", server.url("/echo"));
  request.headers = {{"Content-Type", "application/json"}, {"X-Token", "t"}};
  request.body = std::string("{\"a\":\0\"b\"}", 10) + std::string(100'000, 'z');
  Result<HttpResponse> response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, request.body);
  EXPECT_EQ(received_body, request.body);
  EXPECT_EQ(received_type, "application/json");
  EXPECT_EQ(received_token, "t");
}

TEST(CurlHttpClientTest, OtherMethodsUseTheirNames) {
  LocalHttpServer server([](httplib::Server& svr) {
    const auto reply = [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + " " + req.body, "text/plain");
    };
    svr.Put("/thing", reply);
    svr.Delete("/thing", reply);
    svr.Patch("/thing", reply);
  });
  CurlHttpClient client;
  HttpRequest put = Request("PUT", server.url("/thing"));
  put.body = "new";
  EXPECT_EQ(client.Send(put).value().body, "PUT new");
  EXPECT_EQ(client.Send(Request("DELETE", server.url("/thing"))).value().body, "DELETE ");
  EXPECT_EQ(client.Send(Request("PATCH", server.url("/thing"))).value().body, "PATCH ");
}

TEST(CurlHttpClientTest, SendsHeadersWithEmptyValues) {
  // httplib drops empty header values when parsing, so this server reads the raw request.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::string raw_request;
  std::thread server([&] {
    const int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) {
      return;
    }
    char buffer[4096];
    while (raw_request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t count = ::read(connection, buffer, sizeof(buffer));
      if (count <= 0) {
        break;
      }
      raw_request.append(buffer, static_cast<std::size_t>(count));
    }
    const std::string_view reply = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
    EXPECT_EQ(::write(connection, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
    ::close(connection);
  });
  CurlHttpClient client;
  HttpRequest request =
      Request("GET", "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/");
  request.headers = {{"X-Empty", ""}, {"X-Full", "v"}};
  Result<HttpResponse> response = client.Send(request);
  server.join();
  ::close(listener);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 204);
  EXPECT_NE(raw_request.find("\r\nX-Empty:\r\n"), std::string::npos) << raw_request;
  EXPECT_NE(raw_request.find("\r\nX-Full: v\r\n"), std::string::npos) << raw_request;
  EXPECT_EQ(raw_request.find("Expect:"), std::string::npos) << raw_request;
}

TEST(CurlHttpClientTest, NonSuccessStatusesAreValues) {
  LocalHttpServer server([](httplib::Server& svr) {
    svr.Get("/busy", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_content("try later", "text/plain");
    });
    svr.Get("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/elsewhere");
    });
  });
  CurlHttpClient client;
  Result<HttpResponse> busy = client.Send(Request("GET", server.url("/busy")));
  ASSERT_TRUE(busy.ok()) << busy.error().ToString();
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->body, "try later");
  Result<HttpResponse> missing = client.Send(Request("GET", server.url("/missing")));
  ASSERT_TRUE(missing.ok()) << missing.error().ToString();
  EXPECT_EQ(missing->status, 404);
  Result<HttpResponse> moved = client.Send(Request("GET", server.url("/moved")));
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(moved->status, 302);
  EXPECT_EQ(FindHeader(moved->headers, "Location"), "/elsewhere");
}

TEST(CurlHttpClientTest, ConnectionRefusedIsTransientAndHidesSecrets) {
  const std::string url =
      "http://user:secret@127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/hook?token=hush";
  CurlHttpClient client;
  Result<HttpResponse> response = client.Send(Request("POST", url));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(response.error().transient());
  const std::string message = response.error().ToString();
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  EXPECT_EQ(message.find("hush"), std::string::npos) << message;
  EXPECT_NE(message.find("http://user:***@127.0.0.1:"), std::string::npos) << message;
}

TEST(CurlHttpClientTest, SlowServerIsATransientTimeout) {
  Gate gate;
  LocalHttpServer server([&](httplib::Server& svr) {
    svr.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
      gate.Wait();
      res.set_content("late", "text/plain");
    });
  });
  CurlHttpClient client;
  HttpRequest request = Request("GET", server.url("/slow"));
  request.timeout = 200ms;
  Result<HttpResponse> response = client.Send(request);
  gate.Open();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kTimeout);
  EXPECT_TRUE(response.error().transient());
}

TEST(CurlHttpClientTest, RejectsBadRequestsPermanently) {
  CurlHttpClient client;
  std::vector<HttpRequest> requests = {
      Request("GET", "file:///etc/passwd"), Request("GET", "ftp://127.0.0.1/x"),
      Request("GET", "not a url"),          Request("GET POST", "http://127.0.0.1/"),
      Request("", "http://127.0.0.1/"),
  };
  HttpRequest injected = Request("GET", "http://127.0.0.1/");
  injected.headers = {{"X-A", "a\r\nX-Evil: 1"}};
  requests.push_back(injected);
  HttpRequest bad_name = Request("GET", "http://127.0.0.1/");
  bad_name.headers = {{"X A", "a"}};
  requests.push_back(bad_name);
  HttpRequest no_timeout = Request("GET", "http://127.0.0.1/");
  no_timeout.timeout = 0ms;
  requests.push_back(no_timeout);
  for (const HttpRequest& request : requests) {
    Result<HttpResponse> response = client.Send(request);
    ASSERT_FALSE(response.ok()) << request.method << " " << request.url;
    EXPECT_EQ(response.error().code(), ErrorCode::kInvalidArgument) << response.error().ToString();
    EXPECT_FALSE(response.error().transient());
  }
}

TEST(CurlHttpClientTest, ConcurrentRequestsFromManyThreads) {
  std::atomic<int> served = 0;
  LocalHttpServer server([&](httplib::Server& svr) {
    svr.Get("/n", [&](const httplib::Request& req, httplib::Response& res) {
      ++served;
      res.set_content(req.get_param_value("i"), "text/plain");
    });
  });
  CurlHttpClient client;
  constexpr int kThreads = 4;
  constexpr int kRequestsPerThread = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequestsPerThread; ++i) {
        const std::string id = std::to_string(t * 100 + i);
        Result<HttpResponse> response = client.Send(Request("GET", server.url("/n?i=" + id)));
        ASSERT_TRUE(response.ok()) << response.error().ToString();
        EXPECT_EQ(response->body, id);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(served.load(), kThreads * kRequestsPerThread);
}

TEST(CurlHttpClientTest, SequentialRequestsToOneServerShareAConnection) {
  std::mutex mutex;
  std::vector<int> client_ports;
  LocalHttpServer server([&](httplib::Server& svr) {
    svr.Get("/port", [&](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      client_ports.push_back(req.remote_port);
      res.set_content("ok", "text/plain");
    });
  });
  CurlHttpClient client;
  for (int i = 0; i < 5; ++i) {
    Result<HttpResponse> response = client.Send(Request("GET", server.url("/port")));
    ASSERT_TRUE(response.ok()) << response.error().ToString();
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(client_ports.size(), 5u);
  for (int port : client_ports) {
    EXPECT_EQ(port, client_ports.front()) << "every request came over the first connection";
  }
}

TEST(CurlHttpClientTest, AConnectionTheServerClosedIsReplaced) {
  std::atomic<int> served = 0;
  LocalHttpServer server([&](httplib::Server& svr) {
    svr.set_keep_alive_max_count(1);  // the server closes the connection after every answer
    svr.Get("/n", [&](const httplib::Request&, httplib::Response& res) {
      ++served;
      res.set_content("ok", "text/plain");
    });
  });
  CurlHttpClient client;
  for (int i = 0; i < 3; ++i) {
    Result<HttpResponse> response = client.Send(Request("GET", server.url("/n")));
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_EQ(served.load(), 3);
}

TEST(CurlHttpClientTest, AServerRestartedOnTheSamePortIsReachedAgain) {
  const int port = ClosedLoopbackPort();
  const auto serve = [&](const std::string& answer) {
    auto server = std::make_unique<httplib::Server>();
    // The server drops the idle pooled connection soon (its stop waits for it otherwise).
    server->set_keep_alive_timeout(1);
    server->Get("/who", [answer](const httplib::Request&, httplib::Response& res) {
      res.set_content(answer, "text/plain");
    });
    EXPECT_TRUE(server->bind_to_port("127.0.0.1", port));
    return server;
  };
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/who";
  CurlHttpClient client;
  for (const std::string answer : {"first", "second"}) {
    std::unique_ptr<httplib::Server> server = serve(answer);
    std::thread thread([&] { server->listen_after_bind(); });
    while (!server->is_running()) {
      std::this_thread::yield();
    }
    Result<HttpResponse> response = client.Send(Request("GET", url));
    server->stop();
    thread.join();
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    EXPECT_EQ(response->body, answer);
  }
}

}  // namespace
}  // namespace orch::http
