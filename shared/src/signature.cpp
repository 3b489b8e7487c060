#include "sitepack/signature.h"

#include <sodium.h>
#include <sqlite3.h>

#include <cstring>

#include "sitepack/bundle_format.h"

namespace sitepack::signing {
namespace {

constexpr const char* kScheme = "sitepack-ed25519-blake2b-v1";
constexpr const char* kSecretHeader = "sitepack-ed25519-secret-key v1";
constexpr const char* kPublicPrefix = "sitepack-ed25519";

// sodium_init() picks implementations and opens the random source; it is
// safe to call many times from many threads.
bool sodium_ready() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

std::string hex(const unsigned char* bytes, size_t size) {
    static const char kHex[] = "0123456789abcdef";
    std::string text;
    for (size_t i = 0; i < size; ++i) {
        text += kHex[bytes[i] >> 4];
        text += kHex[bytes[i] & 15];
    }
    return text;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    return text;
}

// Decodes standard base64 into exactly `size` bytes.
bool from_base64(std::string_view text, unsigned char* out, size_t size) {
    size_t length = 0;
    if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return length == size;
}

bool one_line(std::string_view text) { return text.find_first_of("\r\n") == std::string_view::npos; }

Error bad_key(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

// --- the manifest: a canonical byte stream into BLAKE2b ----------------------
// Every value is its SQLite type and content: 'N'; 'I' and 8 bytes
// little-endian; 'F' and the 8 bytes of the IEEE double; 'T' or 'B', an
// 8-byte little-endian length and the bytes. A row has a fixed number of
// values, so the stream has one reading only.
class SectionHasher {
public:
    explicit SectionHasher(std::string_view name) {
        crypto_generichash_blake2b_init(&state_, nullptr, 0, 32);
        bytes('T', name.data(), name.size());
    }
    void integer(int64_t value) {
        unsigned char data[9] = {'I'};
        for (int i = 0; i < 8; ++i) data[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(value) >> (8 * i));
        crypto_generichash_blake2b_update(&state_, data, sizeof data);
    }
    void bytes(char type, const void* data, size_t size) {
        unsigned char head[9] = {static_cast<unsigned char>(type)};
        for (int i = 0; i < 8; ++i) head[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(size) >> (8 * i));
        crypto_generichash_blake2b_update(&state_, head, sizeof head);
        if (size) crypto_generichash_blake2b_update(&state_, static_cast<const unsigned char*>(data), size);
    }
    void value(sqlite3_stmt* row, int column) {
        switch (sqlite3_column_type(row, column)) {
            case SQLITE_NULL: {
                unsigned char n = 'N';
                crypto_generichash_blake2b_update(&state_, &n, 1);
                break;
            }
            case SQLITE_INTEGER: integer(sqlite3_column_int64(row, column)); break;
            case SQLITE_FLOAT: {
                double real = sqlite3_column_double(row, column);
                unsigned char data[9] = {'F'};
                std::memcpy(data + 1, &real, 8);
                crypto_generichash_blake2b_update(&state_, data, sizeof data);
                break;
            }
            case SQLITE_TEXT: {
                const unsigned char* text = sqlite3_column_text(row, column);
                bytes('T', text, static_cast<size_t>(sqlite3_column_bytes(row, column)));
                break;
            }
            default: {
                const void* blob = sqlite3_column_blob(row, column);
                bytes('B', blob, static_cast<size_t>(sqlite3_column_bytes(row, column)));
                break;
            }
        }
    }
    std::string finish(int64_t rows) {
        integer(rows);  // the row count closes the section
        unsigned char digest[32];
        crypto_generichash_blake2b_final(&state_, digest, sizeof digest);
        return "blake2b:" + hex(digest, sizeof digest);
    }

private:
    crypto_generichash_blake2b_state state_;
};

struct SectionQuery {
    const char* name;
    const char* table;  // checked for existence; fonts is absent from old bundles
    const char* sql;
    int hash_column;    // the column holding a content hash, -1 for none
    const char* row_kind;  // "page", "image", "font": names a row with a weak hash
};

// The reader-visible columns of every table, in a fixed order. docs/FORMAT.md
// lists them; the FTS index is not covered (docs/SECURITY.md says why).
const SectionQuery kSections[] = {
    {"metadata", "metadata", "SELECT key, value FROM metadata ORDER BY key", -1, nullptr},
    {"dictionaries", "zstd_dictionaries", "SELECT id, content FROM zstd_dictionaries ORDER BY id", -1, nullptr},
    {"pages", "pages",
     "SELECT id, url, kind, title, published, modified, author, language, description, dictionary_id, body_size, body_hash"
     " FROM pages ORDER BY id",
     11, "page"},
    {"redirects", "redirects", "SELECT url, target_url, target_page_id, reason FROM redirects ORDER BY url", -1, nullptr},
    {"terms", "terms", "SELECT id, kind, name, url FROM terms ORDER BY id", -1, nullptr},
    {"page_terms", "page_terms", "SELECT term_id, page_id FROM page_terms ORDER BY term_id, page_id", -1, nullptr},
    {"links", "links", "SELECT page_id, position, target, target_id, url FROM links ORDER BY page_id, position", -1, nullptr},
    {"images", "images", "SELECT id, url, mime_type, width, height, content_hash FROM images ORDER BY id", 5, "image"},
    {"navigation", "navigation",
     "SELECT kind, position, label, url, target_page_id FROM navigation ORDER BY kind, position", -1, nullptr},
    {"fonts", "fonts", "SELECT id, face, family, content_hash FROM fonts ORDER BY id", 3, "font"},
};

bool table_exists(sqlite3* db, const char* table) {
    sqlite3_stmt* statement = nullptr;
    bool exists = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &statement, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(statement, 1, table, -1, SQLITE_STATIC);
        exists = sqlite3_step(statement) == SQLITE_ROW;
    }
    sqlite3_finalize(statement);
    return exists;
}

Result<int64_t> read_pragma(sqlite3* db, const char* sql) {
    sqlite3_stmt* statement = nullptr;
    int64_t value = 0;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW;
    if (ok) value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    if (!ok) return Error{ErrorCode::corrupt, std::string("cannot read ") + sql + ": " + sqlite3_errmsg(db)};
    return value;
}

// The bytes the Ed25519 signature is made over: every field length-prefixed.
std::string signed_message(const SignatureRow& row, const unsigned char* public_key) {
    std::string message;
    auto field = [&message](std::string_view value) {
        for (int i = 0; i < 8; ++i) message += static_cast<char>(static_cast<uint64_t>(value.size()) >> (8 * i));
        message.append(value.data(), value.size());
    };
    field(kScheme);
    field(std::string_view(reinterpret_cast<const char*>(public_key), 32));
    field(row.publisher);
    field(row.signed_at);
    field(row.sections);
    return message;
}

std::string sections_text(const Manifest& manifest) {
    std::string text;
    for (const ManifestSection& section : manifest.sections) text += section.name + " " + section.digest + "\n";
    return text;
}

}  // namespace

// --- keys -----------------------------------------------------------------------

PublicKey SecretKey::public_key() const {
    PublicKey key;
    crypto_sign_ed25519_sk_to_pk(key.bytes.data(), bytes.data());
    key.publisher = publisher;
    return key;
}

Result<SecretKey> generate_key(std::string_view publisher) {
    if (trim(publisher).empty()) return bad_key("the publisher name is empty: give the name readers will see, e.g. \"LFNKR\"");
    if (!one_line(publisher)) return bad_key("the publisher name must be one line of text");
    if (!sodium_ready()) return Error{ErrorCode::internal, "libsodium could not start (no random source?)"};
    SecretKey key;
    PublicKey public_key;
    if (crypto_sign_ed25519_keypair(public_key.bytes.data(), key.bytes.data()) != 0)
        return Error{ErrorCode::internal, "generating the key pair failed"};
    key.publisher = std::string(trim(publisher));
    return key;
}

std::string to_base64(const unsigned char* bytes, size_t size) {
    std::string text(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
    text.resize(std::strlen(text.c_str()));
    return text;
}

std::string format_secret_key(const SecretKey& key) {
    return std::string(kSecretHeader) + "\n" + to_base64(key.bytes.data(), key.bytes.size()) + "\n" + key.publisher + "\n";
}

std::string format_public_key(const PublicKey& key) {
    std::string line = std::string(kPublicPrefix) + " " + to_base64(key.bytes.data(), key.bytes.size());
    if (!key.publisher.empty()) line += " " + key.publisher;
    return line + "\n";
}

Result<SecretKey> parse_secret_key(std::string_view text) {
    size_t first_end = text.find('\n');
    if (first_end == std::string_view::npos || trim(text.substr(0, first_end)) != kSecretHeader)
        return bad_key(std::string("not a sitepack secret key (its first line is not \"") + kSecretHeader + "\")");
    std::string_view rest = text.substr(first_end + 1);
    size_t second_end = rest.find('\n');
    std::string_view encoded = trim(rest.substr(0, second_end));
    std::string_view name = second_end == std::string_view::npos ? std::string_view() : trim(rest.substr(second_end + 1));
    if (size_t newline = name.find('\n'); newline != std::string_view::npos) name = trim(name.substr(0, newline));
    SecretKey key;
    if (!from_base64(encoded, key.bytes.data(), key.bytes.size()))
        return bad_key("the secret key's second line is not the base64 of a 64-byte Ed25519 key");
    key.publisher = std::string(name);
    // The secret key embeds its public half; a damaged file must not sign
    // with a key whose halves disagree.
    unsigned char derived[32];
    unsigned char seed[32];
    crypto_sign_ed25519_sk_to_seed(seed, key.bytes.data());
    unsigned char check_secret[64];
    crypto_sign_ed25519_seed_keypair(derived, check_secret, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(check_secret, sizeof check_secret);
    if (std::memcmp(derived, key.bytes.data() + 32, 32) != 0)
        return bad_key("the secret key is damaged (its public half does not match)");
    if (key.publisher.empty()) return bad_key("the secret key file has no publisher name on its third line");
    return key;
}

Result<PublicKey> parse_public_key(std::string_view text) {
    std::string_view line = trim(text);
    if (!one_line(line)) return bad_key("a public key is one line: \"sitepack-ed25519 <base64 key> <publisher>\"");
    PublicKey key;
    std::string_view encoded = line;
    if (line.substr(0, std::strlen(kPublicPrefix)) == kPublicPrefix) {
        std::string_view rest = trim(line.substr(std::strlen(kPublicPrefix)));
        size_t space = rest.find_first_of(" \t");
        encoded = rest.substr(0, space);
        if (space != std::string_view::npos) key.publisher = std::string(trim(rest.substr(space)));
    }
    if (!from_base64(encoded, key.bytes.data(), key.bytes.size()))
        return bad_key("not a sitepack public key: expected \"sitepack-ed25519 <base64 of 32 bytes> <publisher>\" or the base64 key");
    return key;
}

Result<std::vector<PublicKey>> parse_public_key_list(std::string_view text) {
    std::vector<PublicKey> keys;
    int line_number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') continue;
        Result<PublicKey> key = parse_public_key(line);
        if (!key) return bad_key("line " + std::to_string(line_number) + ": " + key.error().message);
        keys.push_back(std::move(key.value()));
    }
    return keys;
}

std::string fingerprint(const PublicKey& key) {
    unsigned char digest[32];
    crypto_generichash_blake2b(digest, sizeof digest, key.bytes.data(), key.bytes.size(), nullptr, 0);
    std::string digits = hex(digest, 10), grouped;
    for (size_t i = 0; i < digits.size(); i += 4) {
        if (!grouped.empty()) grouped += ' ';
        grouped += digits.substr(i, 4);
    }
    return grouped;
}

// --- manifest -------------------------------------------------------------------

Result<Manifest> compute_manifest(sqlite3* db) {
    Manifest manifest;
    {
        SectionHasher header("header");
        Result<int64_t> application_id = read_pragma(db, "PRAGMA application_id");
        if (!application_id) return application_id.error();
        Result<int64_t> version = read_pragma(db, "PRAGMA user_version");
        if (!version) return version.error();
        header.integer(application_id.value());
        header.integer(version.value());
        manifest.sections.push_back({"header", header.finish(2)});
    }
    for (const SectionQuery& query : kSections) {
        SectionHasher section(query.name);
        int64_t rows = 0;
        if (!table_exists(db, query.table)) {
            // Only fonts may be missing (bundles made before it); the
            // absence itself is what gets signed.
            if (std::strcmp(query.table, "fonts") != 0)
                return Error{ErrorCode::corrupt, std::string("the bundle has no ") + query.table + " table"};
            manifest.sections.push_back({query.name, section.finish(-1)});
            continue;
        }
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, query.sql, -1, &statement, nullptr) != SQLITE_OK) {
            std::string message = std::string("the ") + query.table + " table cannot be read: " + sqlite3_errmsg(db);
            sqlite3_finalize(statement);
            return Error{ErrorCode::corrupt, message};
        }
        const int columns = sqlite3_column_count(statement);
        int step;
        while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
            for (int column = 0; column < columns; ++column) section.value(statement, column);
            if (query.hash_column >= 0) {
                const unsigned char* stored = sqlite3_column_text(statement, query.hash_column);
                std::string_view hash = stored ? std::string_view(reinterpret_cast<const char*>(stored),
                                                                  sqlite3_column_bytes(statement, query.hash_column))
                                               : std::string_view();
                if (!is_strong_hash(hash)) {
                    if (manifest.weak_hashes++ == 0) {
                        // pages: url is column 1; images: url is column 1; fonts: face is column 1.
                        const unsigned char* label = sqlite3_column_text(statement, 1);
                        manifest.first_weak_row = std::string(query.row_kind) + " " +
                                                  (label ? reinterpret_cast<const char*>(label) : "?");
                    }
                }
            }
            ++rows;
        }
        std::string error = step == SQLITE_DONE ? std::string() : sqlite3_errmsg(db);
        sqlite3_finalize(statement);
        if (!error.empty()) return Error{ErrorCode::corrupt, std::string("the ") + query.table + " table cannot be read: " + error};
        manifest.sections.push_back({query.name, section.finish(rows)});
    }
    return manifest;
}

// --- signing --------------------------------------------------------------------

Status sign_database(sqlite3* db, const SecretKey& key, std::string_view signed_at) {
    if (!sodium_ready()) return Status(ErrorCode::internal, "libsodium could not start");
    auto exec = [db](const char* sql) -> Status {
        char* message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message ? message : sqlite3_errmsg(db);
            sqlite3_free(message);
            return Status(ErrorCode::io, text);
        }
        return {};
    };
    if (Status begun = exec("BEGIN IMMEDIATE"); !begun) return begun;
    auto fail = [&exec](Status status) {
        (void)exec("ROLLBACK");
        return status;
    };
    Result<Manifest> manifest = compute_manifest(db);
    if (!manifest) return fail(Status(manifest.error()));
    if (manifest->weak_hashes > 0)
        return fail(Status(ErrorCode::invalid_argument,
                           "the bundle holds " + std::to_string(manifest->weak_hashes) +
                               " XXH64 hashes (first: " + manifest->first_weak_row +
                               "), which detect damage but not forgery: rebuild it with this version of sitepack, then sign it"));
    PublicKey public_key = key.public_key();
    SignatureRow row;
    row.scheme = kScheme;
    row.public_key = to_base64(public_key.bytes.data(), public_key.bytes.size());
    row.publisher = key.publisher;
    row.signed_at = std::string(signed_at);
    row.sections = sections_text(manifest.value());
    std::string message = signed_message(row, public_key.bytes.data());
    unsigned char signature[crypto_sign_ed25519_BYTES];
    crypto_sign_ed25519_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                 key.bytes.data());
    row.signature = to_base64(signature, sizeof signature);

    if (Status made = exec("CREATE TABLE IF NOT EXISTS signature("
                           " id INTEGER PRIMARY KEY CHECK (id = 1), scheme TEXT NOT NULL, public_key TEXT NOT NULL,"
                           " publisher TEXT NOT NULL, signed_at TEXT NOT NULL, sections TEXT NOT NULL, signature TEXT NOT NULL);"
                           "DELETE FROM signature;");
        !made)
        return fail(made);
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(db, "INSERT INTO signature VALUES (1, ?, ?, ?, ?, ?, ?)", -1, &insert, nullptr) != SQLITE_OK)
        return fail(Status(ErrorCode::io, sqlite3_errmsg(db)));
    const std::string* values[] = {&row.scheme, &row.public_key, &row.publisher, &row.signed_at, &row.sections, &row.signature};
    for (int i = 0; i < 6; ++i)
        sqlite3_bind_text(insert, i + 1, values[i]->data(), static_cast<int>(values[i]->size()), SQLITE_TRANSIENT);
    const bool inserted = sqlite3_step(insert) == SQLITE_DONE;
    sqlite3_finalize(insert);
    if (!inserted) return fail(Status(ErrorCode::io, std::string("writing the signature failed: ") + sqlite3_errmsg(db)));
    return exec("COMMIT");
}

// --- checking -------------------------------------------------------------------

SignatureCheck check_signature(sqlite3* db, const std::vector<PublicKey>& trusted) {
    SignatureCheck check;
    auto bad = [&check](std::string why) {
        check.state = SignatureState::bad_signature;
        check.problems.push_back(std::move(why));
        return check;
    };
    if (!table_exists(db, "signature")) {
        // Unsigned. Old bundles are told apart so a reader can say why.
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT body_hash FROM pages LIMIT 1", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            const unsigned char* hash = sqlite3_column_text(statement, 0);
            check.weak_hashes = hash && std::strncmp(reinterpret_cast<const char*>(hash), "xxh64:", 6) == 0;
        }
        sqlite3_finalize(statement);
        return check;
    }
    SignatureRow row;
    {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT scheme, public_key, publisher, signed_at, sections, signature FROM signature", -1,
                               &statement, nullptr) != SQLITE_OK) {
            std::string why = std::string("the signature table cannot be read: ") + sqlite3_errmsg(db);
            sqlite3_finalize(statement);
            return bad(why);
        }
        int rows = 0, step;
        while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
            if (++rows > 1) break;
            std::string* fields[] = {&row.scheme, &row.public_key, &row.publisher, &row.signed_at, &row.sections, &row.signature};
            for (int i = 0; i < 6; ++i) {
                const unsigned char* text = sqlite3_column_text(statement, i);
                *fields[i] = text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(statement, i)) : "";
            }
        }
        std::string error = (step == SQLITE_ROW || step == SQLITE_DONE) ? std::string() : sqlite3_errmsg(db);
        sqlite3_finalize(statement);
        if (!error.empty()) return bad("the signature table cannot be read: " + error);
        // An empty table is what a signature stripped off the bundle looks
        // like; it never comes from `sitepack sign`.
        if (rows == 0) return bad("the signature table is empty (the signature was removed)");
        if (rows > 1) return bad("the signature table holds more than one signature");
    }
    check.publisher = row.publisher;
    check.signed_at = row.signed_at;
    check.public_key = row.public_key;
    if (row.scheme != kScheme) return bad("unknown signature scheme \"" + row.scheme + "\" (a newer sitepack may read it)");
    PublicKey key;
    if (!from_base64(row.public_key, key.bytes.data(), key.bytes.size())) return bad("the signing key is not a valid Ed25519 key");
    key.publisher = row.publisher;
    check.fingerprint = fingerprint(key);
    if (!trusted.empty()) {
        check.trust = PublisherTrust::unknown_key;
        for (const PublicKey& pinned : trusted)
            if (pinned.bytes == key.bytes) check.trust = PublisherTrust::pinned;
    }
    unsigned char signature[crypto_sign_ed25519_BYTES];
    if (!from_base64(row.signature, signature, sizeof signature)) return bad("the signature is not a valid Ed25519 signature");
    if (!sodium_ready()) return bad("libsodium could not start");
    std::string message = signed_message(row, key.bytes.data());
    if (crypto_sign_ed25519_verify_detached(signature, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                            key.bytes.data()) != 0)
        return bad("the signature does not match its key: the signature row was altered or forged");

    // The signature is genuine: now is the content what was signed?
    Result<Manifest> manifest = compute_manifest(db);
    if (!manifest) {
        check.state = SignatureState::tampered;
        check.problems.push_back(manifest.error().message);
        return check;
    }
    std::string actual = sections_text(manifest.value());
    check.state = SignatureState::verified;
    if (actual != row.sections) {
        check.state = SignatureState::tampered;
        // Name the parts that differ.
        for (const ManifestSection& section : manifest->sections) {
            std::string line = section.name + " " + section.digest + "\n";
            if (row.sections.find(line) == std::string::npos)
                check.problems.push_back("the " + section.name + " table changed since it was signed");
        }
        if (check.problems.empty()) check.problems.push_back("the list of signed tables differs from this bundle's");
    }
    if (manifest->weak_hashes > 0) {
        check.state = SignatureState::tampered;
        check.problems.push_back("it holds XXH64 hashes, which a signature cannot vouch for (first: " + manifest->first_weak_row + ")");
    }
    return check;
}

const char* state_name(SignatureState state) {
    switch (state) {
        case SignatureState::unsigned_bundle: return "unsigned";
        case SignatureState::verified: return "verified";
        case SignatureState::tampered: return "tampered";
        case SignatureState::bad_signature: return "bad-signature";
    }
    return "unsigned";
}

const char* trust_name(PublisherTrust trust) {
    switch (trust) {
        case PublisherTrust::no_pins: return "no-pins";
        case PublisherTrust::pinned: return "pinned";
        case PublisherTrust::unknown_key: return "unknown-key";
    }
    return "no-pins";
}

}  // namespace sitepack::signing
