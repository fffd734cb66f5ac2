#pragma once

#include <span>
#include <vector>

#include "orch/common/result.h"
#include "orch/kzg/blob.h"

namespace orch::kzg {

// The transform between data-availability felts and EIP-4844 blobs (spec protocols.md
// §7.4–§7.5). A chunk of up to 4096 values c_0..c_4095 (zero-padded) is the coefficient vector
// of f(x) = sum c_j x^j over F_r, and its blob holds f(w^bitrev12(i)) in word i, where w is the
// primitive 4096th root of unity 7^((r-1)/4096) and bitrev12 reverses the 12-bit index: the
// evaluation form c-kzg commits to. Both directions are radix-2 NTTs, O(n log n) per blob.
//
// Values are BLS12-381 scalars as 32 big-endian bytes (Stark felts, being below 2^252, always
// are). Values not below r are rejected, never reduced.
//
// Thread-safe: pure functions; the table of roots of unity is built once, on first use.

/// The blob of `coefficients` (at most kFieldElementsPerBlob of them; missing ones are zero).
/// Errors: kInvalidArgument (too many values, a value not below r; the message names it).
Result<Blob> FeltsToBlob(std::span<const FieldBytes> coefficients);

/// Splits `felts` into consecutive chunks of 4096, the last one zero-padded, and transforms
/// each: blob k holds felts [4096k, 4096(k+1)). No felts give no blobs.
/// Errors: kInvalidArgument (a value not below r, named by its index in `felts`).
Result<std::vector<Blob>> FeltsToBlobs(std::span<const FieldBytes> felts);

/// The inverse of FeltsToBlob: the 4096 coefficients of the blob's polynomial, trailing zeros
/// included (a blob does not record how many felts it was made of).
/// Errors: kInvalidArgument (a blob word not below r).
Result<std::vector<FieldBytes>> BlobToFelts(const Blob& blob);

/// The coefficients of each blob in turn: 4096 per blob.
/// Errors: kInvalidArgument (a blob word not below r; the message names the blob).
Result<std::vector<FieldBytes>> BlobsToFelts(std::span<const Blob> blobs);

}  // namespace orch::kzg
