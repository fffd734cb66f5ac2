#pragma once

#include <string>
#include <string_view>

#include "orch/aws/aws_config.h"
#include "orch/common/clock.h"
#include "orch/common/result.h"
#include "orch/http/http_client.h"

namespace orch::aws {

/// What a signature is scoped to.
struct SigningScope {
  std::string region;
  std::string service;  // the signing name: "sqs", "s3", "sns", "events", "scheduler"
};

/// AWS Signature Version 4 (header form), as the AWS SDKs compute it. Written here because no
/// AWS SDK is packaged in Debian; it is cross-checked against the JavaScript SDK's signer
/// (@smithy/signature-v4) on random requests (tests/unit/aws/sigv4_oracle_test.cc).
///
/// Signs `request` in place: adds `host`, `x-amz-date`, `x-amz-content-sha256` (S3, whose
/// requests must carry it), `x-amz-security-token` (temporary credentials) and
/// `authorization`. Every other header present is signed too, except those proxies may
/// change (user-agent, expect, connection, ...). The URL must already be percent-encoded as it
/// goes on the wire; S3 paths are signed as they are, other services' paths normalised and
/// encoded once more, as the SDKs do. Pure function of its arguments: thread-safe.
/// Errors: kInvalidArgument (a URL that does not parse).
Result<void> SignRequest(http::HttpRequest& request, const AwsCredentials& credentials,
                         const SigningScope& scope, TimePoint now);

/// The canonical request SignRequest hashes for the request as it stands (headers already
/// added), exposed for tests and for the signature-mismatch hint in error messages.
Result<std::string> CanonicalRequest(const http::HttpRequest& request, std::string_view service);

/// Lower-case hex SHA-256 of `bytes` (the payload hash of a signed request).
std::string HexSha256(std::string_view bytes);

/// `text` percent-encoded as SigV4 wants: everything but A-Z a-z 0-9 - _ . ~ as %XX.
std::string UriEncode(std::string_view text);

}  // namespace orch::aws
