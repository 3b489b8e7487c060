// signature.h: Ed25519 publisher keys and the signature of a bundle.
//
// What is signed is the bundle's content, not its file bytes: a manifest
// computed from its rows in a fixed order (docs/FORMAT.md, "Signature").
// Page bodies, images and fonts enter the manifest through their BLAKE2b
// hashes, so checking a signature at open reads only the small columns, and
// each body is checked against its (signed) hash when it is read.
// docs/SECURITY.md says what this protects against and what it does not.
//
// All cryptography is libsodium's (Ed25519, BLAKE2b); nothing here is
// home-made beyond the canonical byte layout of the manifest.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sitepack/result.h"

struct sqlite3;

namespace sitepack::signing {

// A publisher's public key and the name it signs with.
struct PublicKey {
    std::array<unsigned char, 32> bytes{};
    std::string publisher;  // "" when only the bare key is known
};

struct SecretKey {
    std::array<unsigned char, 64> bytes{};  // libsodium's Ed25519 secret key (seed + public key)
    std::string publisher;
    PublicKey public_key() const;
};

// A new random key pair. internal when the system's random source fails.
// `publisher` must be one line of text; invalid_argument otherwise.
Result<SecretKey> generate_key(std::string_view publisher);

// Key files are text:
//   secret: "sitepack-ed25519-secret-key v1\n<base64 of 64 bytes>\n<publisher name>\n"
//   public: "sitepack-ed25519 <base64 of 32 bytes> <publisher name>\n"
std::string format_secret_key(const SecretKey& key);
std::string format_public_key(const PublicKey& key);
// invalid_argument with a message saying what is wrong with the text.
Result<SecretKey> parse_secret_key(std::string_view text);
// Accepts a public key line (as format_public_key writes) or the bare base64 key.
Result<PublicKey> parse_public_key(std::string_view text);
// A list of trusted keys, one public key line (or bare key) per line; blank
// lines and lines starting with '#' are ignored. Fails on the first bad line,
// naming its line number.
Result<std::vector<PublicKey>> parse_public_key_list(std::string_view text);

std::string to_base64(const unsigned char* bytes, size_t size);
// A short, readable name for a key: the first 10 bytes of its BLAKE2b-256
// hash in hex, in groups of four digits ("3f2a 91bc 07de 44a1 9c3e").
std::string fingerprint(const PublicKey& key);

// The manifest: one BLAKE2b-256 digest per part of the bundle ("header",
// "metadata", "dictionaries", "pages", "redirects", "terms", "page_terms",
// "links", "images", "navigation", "fonts"), in that order.
struct ManifestSection {
    std::string name;
    std::string digest;  // "blake2b:<64 hex>"
};
struct Manifest {
    std::vector<ManifestSection> sections;
    // Pages, images and fonts whose stored hash is not a BLAKE2b hash
    // ("xxh64:..."): their bytes could be swapped keeping the hash, so such
    // a bundle is never signed, nor accepted as signed.
    int64_t weak_hashes = 0;
    std::string first_weak_row;  // e.g. "page https://example.org/x"
};
// Reads `db` (a bundle) and computes its manifest. corrupt when a table
// cannot be read, naming it.
Result<Manifest> compute_manifest(sqlite3* db);

// The one row of the `signature` table.
struct SignatureRow {
    std::string scheme;      // "sitepack-ed25519-blake2b-v1"
    std::string public_key;  // base64 of the 32-byte key
    std::string publisher;
    std::string signed_at;   // ISO 8601 UTC
    std::string sections;    // "<name> <digest>\n" for every manifest section
    std::string signature;   // base64 of the 64-byte Ed25519 signature
};

// Signs `db` (opened read-write) in place: computes the manifest and
// replaces the `signature` table's row, inside one transaction. Refuses
// (invalid_argument) a bundle holding weak hashes; io when the write fails.
Status sign_database(sqlite3* db, const SecretKey& key, std::string_view signed_at);

enum class SignatureState {
    unsigned_bundle,  // no signature: nothing is known about who made it
    verified,         // the signature is good and the content is what was signed
    tampered,         // the signature is good but the content changed since
    bad_signature,    // the signature row itself is damaged or forged
};
// Whether the signing key is one the reader was told to trust.
enum class PublisherTrust {
    no_pins,      // the reader pins no publisher keys
    pinned,       // signed by one of the pinned keys
    unknown_key,  // keys are pinned, and this is none of them
};

struct SignatureCheck {
    SignatureState state = SignatureState::unsigned_bundle;
    PublisherTrust trust = PublisherTrust::no_pins;
    std::string publisher;    // the name in the signature (as signed)
    std::string fingerprint;  // of the signing key
    std::string public_key;   // base64
    std::string signed_at;
    std::vector<std::string> problems;  // what failed, in words: "the pages table changed since signing"
    bool weak_hashes = false;           // the bundle's hashes are XXH64 (made before signing existed)
};

// Reads the signature row (if any), recomputes the manifest and checks the
// signature. Never fails: an unreadable signature is bad_signature with the
// reason in problems. Only signed bundles cost a manifest computation.
SignatureCheck check_signature(sqlite3* db, const std::vector<PublicKey>& trusted);

// "unsigned", "verified", "tampered", "bad-signature"; "no-pins", "pinned", "unknown-key".
const char* state_name(SignatureState state);
const char* trust_name(PublisherTrust trust);

}  // namespace sitepack::signing
