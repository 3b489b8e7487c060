// warc_reader.cpp: streaming WARC reading (plain, per-record gzip, single
// gzip stream) with zlib, HTTP response decoding, and revisit resolution by
// re-reading the earlier record from the file.
#include "warc_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>

#include "mirror_reader.h"  // sniff_html_or_image
#include "sitepack/url.h"

namespace sitepack::build {
namespace {

constexpr std::size_t kBufferSize = 1 << 16;
constexpr std::size_t kMaxHeaderLine = 64 * 1024;      // one WARC header line
constexpr std::size_t kMaxHeaderBytes = 1024 * 1024;   // all of one record's WARC header

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && text.substr(0, prefix.size()) == prefix;
}

std::string size_limit_reason(int64_t limit) {
    constexpr int64_t kMiB = 1024 * 1024;
    if (limit > 0 && limit % kMiB == 0) return "larger than " + std::to_string(limit / kMiB) + " MiB";
    return "larger than " + std::to_string(limit) + " bytes";
}

// A short, printable excerpt of unknown bytes for a message.
std::string excerpt(std::string_view bytes) {
    std::string out;
    for (char c : bytes.substr(0, 40)) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte >= 0x20 && byte < 0x7F) ? c : '?';
    }
    return out;
}

// ---- decompression of HTTP bodies ----

enum class InflateOutcome { ok, failed, too_large };

// Inflates `input` (window_bits as for inflateInit2) into `out`, stopping
// once `out` exceeds `max_bytes`. Concatenated gzip members are all read.
// Input that ends inside the compressed data gives what was decompressed.
InflateOutcome inflate_body(std::string_view input, int window_bits, int64_t max_bytes, std::string& out) {
    out.clear();
    z_stream stream;
    std::memset(&stream, 0, sizeof(stream));
    if (inflateInit2(&stream, window_bits) != Z_OK) return InflateOutcome::failed;
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);

    std::string_view remaining = input;
    auto feed = [&]() {
        const std::size_t take = std::min<std::size_t>(remaining.size(), std::size_t{1} << 30);
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(remaining.data()));
        stream.avail_in = static_cast<uInt>(take);
        remaining.remove_prefix(take);
    };
    feed();
    char buffer[kBufferSize];
    for (;;) {
        if (stream.avail_in == 0 && !remaining.empty()) feed();
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof(buffer);
        const int result = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof(buffer) - stream.avail_out);
        if (static_cast<int64_t>(out.size()) > max_bytes) return InflateOutcome::too_large;
        if (result == Z_STREAM_END) {
            // Another gzip member may follow.
            if (stream.avail_in == 0 && !remaining.empty()) feed();
            if (stream.avail_in >= 2 && stream.next_in[0] == 0x1F && stream.next_in[1] == 0x8B) {
                inflateReset(&stream);
                continue;
            }
            return InflateOutcome::ok;
        }
        if (result == Z_BUF_ERROR || (result == Z_OK && stream.avail_in == 0 && remaining.empty() &&
                                      stream.avail_out != 0)) {
            // No more input: the body was cut off; keep what we have.
            if (stream.avail_in == 0 && remaining.empty()) return out.empty() ? InflateOutcome::failed : InflateOutcome::ok;
            continue;
        }
        if (result != Z_OK) return InflateOutcome::failed;
    }
}

// Undoes Transfer-Encoding: chunked. False when the body does not start
// like a chunked body (some WARC writers store the de-chunked body but keep
// the header). A body cut off mid-chunk gives what is there.
bool dechunk(std::string_view body, std::string& out) {
    out.clear();
    std::size_t pos = 0;
    bool first = true;
    for (;;) {
        const std::size_t end_of_line = body.find('\n', pos);
        if (end_of_line == std::string_view::npos) return !first;
        std::string_view line = body.substr(pos, end_of_line - pos);
        const std::size_t extension = line.find(';');
        if (extension != std::string_view::npos) line = line.substr(0, extension);
        line = trim(line);
        uint64_t size = 0;
        bool valid = !line.empty() && line.size() <= 15;
        for (char c : line) {
            int digit = -1;
            if (c >= '0' && c <= '9') digit = c - '0';
            else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
            if (digit < 0) {
                valid = false;
                break;
            }
            size = size * 16 + static_cast<uint64_t>(digit);
        }
        if (!valid) return !first;
        first = false;
        pos = end_of_line + 1;
        if (size == 0) return true;  // trailers, if any, are not needed
        const std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(size, body.size() - pos));
        out.append(body.substr(pos, take));
        pos += take;
        if (take < size) return true;
        if (pos < body.size() && body[pos] == '\r') ++pos;
        if (pos < body.size() && body[pos] == '\n') ++pos;
    }
}

// ---- the byte stream of a WARC file ----

// Where a record can be found again: the file offset of the gzip member
// (or of the record, in a plain file), and how many uncompressed bytes
// into that member the record starts (0 unless the file is one gzip stream).
struct Location {
    int64_t offset = 0;
    int64_t skip = 0;
};

class WarcStream {
public:
    enum class State { good, end, truncated, damaged, io_error };

    WarcStream() = default;
    WarcStream(const WarcStream&) = delete;
    WarcStream& operator=(const WarcStream&) = delete;
    ~WarcStream() {
        if (inflating_) inflateEnd(&zstream_);
        if (file_) std::fclose(file_);
    }

    // Opens `path` positioned at `at`. False when the file cannot be opened
    // or positioned (state io_error, detail says why).
    bool open(const std::string& path, Location at) {
        file_ = std::fopen(path.c_str(), "rb");
        if (!file_) return fail_io(std::strerror(errno));
        if (at.offset > 0 && fseeko(file_, static_cast<off_t>(at.offset), SEEK_SET) != 0) return fail_io(std::strerror(errno));
        file_position_ = at.offset;
        in_.resize(kBufferSize);
        out_.resize(kBufferSize);
        std::memset(&zstream_, 0, sizeof(zstream_));
        if (!refill_input() && state_ != State::good) return false;
        gzip_ = zstream_.avail_in >= 2 && zstream_.next_in[0] == 0x1F && zstream_.next_in[1] == 0x8B;
        if (gzip_) {
            if (inflateInit2(&zstream_, 15 + 16) != Z_OK) return fail_io("zlib could not start");
            inflating_ = true;
            member_done_ = true;
            next_member_offset_ = at.offset;
        } else {
            // A plain file: the bytes read are the data.
            std::swap(in_, out_);
            out_pos_ = 0;
            out_end_ = zstream_.avail_in;
            zstream_.avail_in = 0;
            uncompressed_position_ = at.offset;
        }
        if (at.skip > 0 && read(nullptr, at.skip) < at.skip) return false;
        return true;
    }

    int peek() {
        if (out_pos_ == out_end_ && !fill()) return -1;
        return static_cast<unsigned char>(out_[out_pos_]);
    }

    int get() {
        const int byte = peek();
        if (byte >= 0) consume(1);
        return byte;
    }

    // Moves up to n bytes to *out (discards them when out is null); returns
    // how many there were.
    int64_t read(std::string* out, int64_t n) {
        int64_t done = 0;
        while (done < n) {
            if (out_pos_ == out_end_ && !fill()) break;
            const std::size_t take = static_cast<std::size_t>(std::min<int64_t>(n - done, static_cast<int64_t>(out_end_ - out_pos_)));
            if (out) out->append(out_.data() + out_pos_, take);
            consume(take);
            done += static_cast<int64_t>(take);
        }
        return done;
    }

    enum class Line { ok, eof, partial, too_long };

    // A line without its "\r\n" or "\n".
    Line read_line(std::string& line, std::size_t max_length) {
        line.clear();
        for (;;) {
            const int byte = get();
            if (byte < 0) return line.empty() ? Line::eof : Line::partial;
            if (byte == '\n') {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                return Line::ok;
            }
            if (line.size() >= max_length) return Line::too_long;
            line += static_cast<char>(byte);
        }
    }

    // Where the next byte can be found again.
    Location location() const {
        if (!gzip_) return {uncompressed_position_, 0};
        if (out_pos_ == out_end_ && member_done_) return {next_member_offset_, 0};
        return {member_offset_, in_member_};
    }

    bool gzip() const { return gzip_; }
    int64_t uncompressed_position() const { return uncompressed_position_; }
    int64_t file_position() const { return file_position_; }
    State state() const { return state_; }
    const std::string& detail() const { return detail_; }
    int64_t damaged_member() const { return member_offset_; }

private:
    void consume(std::size_t n) {
        out_pos_ += n;
        in_member_ += static_cast<int64_t>(n);
        uncompressed_position_ += static_cast<int64_t>(n);
    }

    bool fail_io(const std::string& why) {
        state_ = State::io_error;
        detail_ = why;
        return false;
    }

    bool refill_input() {
        if (input_exhausted_) return false;
        const std::size_t got = std::fread(in_.data(), 1, in_.size(), file_);
        if (got == 0) {
            input_exhausted_ = true;
            if (std::ferror(file_)) fail_io(std::strerror(errno));
            return false;
        }
        file_position_ += static_cast<int64_t>(got);
        zstream_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zstream_.avail_in = static_cast<uInt>(got);
        return true;
    }

    bool fill() {
        if (state_ != State::good) return false;
        if (!gzip_) {
            const std::size_t got = std::fread(out_.data(), 1, out_.size(), file_);
            if (got == 0) {
                if (std::ferror(file_)) return fail_io(std::strerror(errno));
                state_ = State::end;
                return false;
            }
            file_position_ += static_cast<int64_t>(got);
            out_pos_ = 0;
            out_end_ = got;
            return true;
        }
        for (;;) {
            if (member_done_) {
                if (zstream_.avail_in == 0 && !refill_input()) {
                    if (state_ == State::good) state_ = State::end;  // ended between members: a clean end
                    return false;
                }
                member_offset_ = next_member_offset_;
                in_member_ = 0;
                member_done_ = false;
                inflateReset(&zstream_);
            }
            if (zstream_.avail_in == 0 && !refill_input()) {
                if (state_ == State::good) state_ = State::truncated;  // the file ends inside a gzip member
                return false;
            }
            zstream_.next_out = reinterpret_cast<Bytef*>(out_.data());
            zstream_.avail_out = static_cast<uInt>(out_.size());
            const int result = inflate(&zstream_, Z_NO_FLUSH);
            const std::size_t produced = out_.size() - zstream_.avail_out;
            if (result == Z_STREAM_END) {
                member_done_ = true;
                next_member_offset_ = file_position_ - zstream_.avail_in;
            } else if (result != Z_OK && result != Z_BUF_ERROR) {
                state_ = State::damaged;
                detail_ = std::string("gzip data error: ") + (zstream_.msg ? zstream_.msg : "invalid data");
                return false;
            }
            if (produced > 0) {
                out_pos_ = 0;
                out_end_ = produced;
                return true;
            }
        }
    }

    std::FILE* file_ = nullptr;
    bool gzip_ = false;
    bool inflating_ = false;
    z_stream zstream_;
    std::string in_;
    std::string out_;
    std::size_t out_pos_ = 0;
    std::size_t out_end_ = 0;
    bool input_exhausted_ = false;
    int64_t file_position_ = 0;        // bytes of the file read so far (plus the start offset)
    int64_t member_offset_ = 0;        // file offset of the gzip member being read
    int64_t in_member_ = 0;            // uncompressed bytes consumed in that member
    bool member_done_ = false;         // the member ended; the next byte starts a new one
    int64_t next_member_offset_ = 0;
    int64_t uncompressed_position_ = 0;
    State state_ = State::good;
    std::string detail_;
};

// ---- WARC record headers ----

struct WarcHeader {
    std::map<std::string, std::string> fields;  // lower-case names; the first of repeated names
    int64_t content_length = 0;
    Location location;
    int64_t uncompressed_start = 0;

    std::string field(const std::string& lower_name) const {
        const auto found = fields.find(lower_name);
        return found == fields.end() ? std::string() : found->second;
    }
};

enum class HeaderOutcome { ok, end, not_warc, truncated, damaged, io_error };

// "<urn:uuid:...>" and "<http://...>" (WARC 1.0 examples) lose the brackets.
std::string strip_angle_brackets(std::string value) {
    if (value.size() >= 2 && value.front() == '<' && value.back() == '>') return value.substr(1, value.size() - 2);
    return value;
}

HeaderOutcome outcome_of_stream(const WarcStream& stream) {
    switch (stream.state()) {
        case WarcStream::State::good:
        case WarcStream::State::end: return HeaderOutcome::truncated;
        case WarcStream::State::truncated: return HeaderOutcome::truncated;
        case WarcStream::State::damaged: return HeaderOutcome::damaged;
        case WarcStream::State::io_error: return HeaderOutcome::io_error;
    }
    return HeaderOutcome::damaged;
}

// Reads the next record's WARC header. `problem` explains not_warc and damaged.
HeaderOutcome read_warc_header(WarcStream& stream, WarcHeader& header, std::string& problem) {
    // Records end with "\r\n\r\n"; be lenient about how many.
    for (int byte = stream.peek(); byte == '\r' || byte == '\n'; byte = stream.peek()) stream.get();
    // Where the record starts (or would have started, when there is none).
    header = WarcHeader();
    header.location = stream.location();
    header.uncompressed_start = stream.uncompressed_position();
    if (stream.peek() < 0) {
        if (stream.state() == WarcStream::State::end) return HeaderOutcome::end;
        return outcome_of_stream(stream);
    }

    std::string line;
    WarcStream::Line got = stream.read_line(line, kMaxHeaderLine);
    if (got == WarcStream::Line::eof) return outcome_of_stream(stream);
    if (got == WarcStream::Line::partial) {
        // The data ended inside the first line: a cut-off record if what is
        // there could begin "WARC/1.", else no WARC at all.
        const bool could_be_warc = starts_with("WARC/1.", line.substr(0, 7));
        if (could_be_warc || stream.state() != WarcStream::State::end) return outcome_of_stream(stream);
    }
    if (got != WarcStream::Line::ok || !starts_with(line, "WARC/1.")) {
        problem = "expected 'WARC/1.' and found '" + excerpt(line) + "'";
        return HeaderOutcome::not_warc;
    }

    std::size_t total = line.size();
    std::string last_name;
    for (;;) {
        got = stream.read_line(line, kMaxHeaderLine);
        if (got == WarcStream::Line::eof || got == WarcStream::Line::partial) return outcome_of_stream(stream);
        if (got == WarcStream::Line::too_long) {
            problem = "a WARC header line is longer than 64 KiB";
            return HeaderOutcome::damaged;
        }
        total += line.size();
        if (total > kMaxHeaderBytes) {
            problem = "the WARC header is longer than 1 MiB";
            return HeaderOutcome::damaged;
        }
        if (line.empty()) break;
        if ((line[0] == ' ' || line[0] == '\t') && !last_name.empty()) {
            header.fields[last_name] += " " + std::string(trim(line));  // folded continuation
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;  // not a field; ignore it
        const std::string name = lower(trim(std::string_view(line).substr(0, colon)));
        if (header.fields.count(name)) {
            last_name.clear();
            continue;
        }
        header.fields[name] = std::string(trim(std::string_view(line).substr(colon + 1)));
        last_name = name;
    }

    const std::string length_text = header.field("content-length");
    if (length_text.empty() || length_text.size() > 18 ||
        !std::all_of(length_text.begin(), length_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        problem = "the record has no valid Content-Length";
        return HeaderOutcome::damaged;
    }
    header.content_length = std::stoll(length_text);
    return HeaderOutcome::ok;
}

bool is_deliverable_type(const std::string& essence) {
    return essence == "text/html" || essence == "application/xhtml+xml" || essence == "image/jpeg" ||
           essence == "image/pjpeg" || essence == "image/png" || essence == "image/gif" || essence == "image/webp" ||
           essence == "image/svg+xml";
}

// "text/html; charset=UTF-8" -> "text/html".
std::string mime_essence(std::string_view content_type) {
    return lower(trim(content_type.substr(0, content_type.find(';'))));
}

// ---- the reader ----

class WarcReader {
public:
    WarcReader(const std::string& path, const RecordSink& sink, SkipCounts& skipped, const WarcOptions& options)
        : path_(path), sink_(sink), skipped_(skipped), options_(options) {}

    Status run() {
        std::error_code error;
        const FileCheck status = check_file(error);
        if (status != FileCheck::ok) return file_error(status, error);

        WarcStream stream;
        if (!stream.open(path_, Location())) return Status(ErrorCode::io, "cannot read " + path_ + ": " + stream.detail());

        std::string last_start = "byte 0";
        int64_t last_member = 0;
        for (;;) {
            WarcHeader header;
            std::string problem;
            const HeaderOutcome outcome = read_warc_header(stream, header, problem);
            if (outcome == HeaderOutcome::end) break;
            const bool began = outcome == HeaderOutcome::ok || outcome == HeaderOutcome::not_warc ||
                               stream.uncompressed_position() > header.uncompressed_start;
            const int64_t number = began ? records_read_ + 1 : std::max<int64_t>(records_read_, 1);
            const std::string start = began ? start_of(stream, header) : last_start;
            switch (outcome) {
                case HeaderOutcome::ok: break;
                case HeaderOutcome::end: break;
                case HeaderOutcome::not_warc:
                    if (records_read_ == 0) return not_a_warc();
                    return damaged(start, number, problem);
                case HeaderOutcome::truncated: return truncated(number, start);
                case HeaderOutcome::damaged:
                    if (problem.empty()) {
                        // The gzip data broke: in the member of the last record, or in the next one.
                        if (records_read_ == 0) return not_a_warc();
                        const int64_t member = stream.damaged_member();
                        const int64_t damaged_number = member == last_member ? records_read_ : records_read_ + 1;
                        return damaged("byte " + std::to_string(member), damaged_number, stream.detail());
                    }
                    return damaged(start, number, problem);
                case HeaderOutcome::io_error: return Status(ErrorCode::io, "cannot read " + path_ + ": " + stream.detail());
            }
            ++records_read_;
            last_start = start;
            last_member = header.location.offset;
            Status handled = handle_record(stream, header, start);
            if (!handled) return handled;
            report_progress(stream);
        }
        if (records_read_ == 0) return not_a_warc();
        return Status();
    }

private:
    enum class FileCheck { ok, missing, not_a_file };

    FileCheck check_file(std::error_code& error) {
        namespace fs = std::filesystem;
        const fs::file_status status = fs::status(path_, error);
        if (!fs::exists(status)) return FileCheck::missing;
        if (fs::is_directory(status)) return FileCheck::not_a_file;
        file_bytes_ = static_cast<int64_t>(fs::file_size(path_, error));
        if (error) file_bytes_ = 0;
        return FileCheck::ok;
    }

    Status file_error(FileCheck status, const std::error_code&) const {
        if (status == FileCheck::missing) return Status(ErrorCode::not_found, "no such file or folder: " + path_);
        return Status(ErrorCode::invalid_argument, path_ + " is a folder, not a WARC file");
    }

    Status not_a_warc() const {
        return Status(ErrorCode::bad_input, path_ + " is not a WARC file (no 'WARC/1.' at byte 0)");
    }

    Status truncated(int64_t number, const std::string& start) const {
        return Status(ErrorCode::bad_input, path_ + " is truncated at byte " + std::to_string(file_bytes_) + " (record " +
                                                std::to_string(number) + ", which starts at " + start + ")");
    }

    Status damaged(const std::string& where, int64_t number, const std::string& problem) const {
        return Status(ErrorCode::bad_input,
                      path_ + " is damaged at " + where + " (record " + std::to_string(number) + "): " + problem);
    }

    // A record's block ended early: the file is cut off, damaged or unreadable.
    Status short_read(const WarcStream& stream, const std::string& start) const {
        switch (stream.state()) {
            case WarcStream::State::damaged:
                return damaged("byte " + std::to_string(stream.damaged_member()), records_read_, stream.detail());
            case WarcStream::State::io_error:
                return Status(ErrorCode::io, "cannot read " + path_ + ": " + stream.detail());
            default:
                return truncated(records_read_, start);
        }
    }

    // "byte N", or "uncompressed byte N" inside a single gzip stream.
    static std::string start_of(const WarcStream& stream, const WarcHeader& header) {
        if (stream.gzip() && header.location.skip > 0) return "uncompressed byte " + std::to_string(header.uncompressed_start);
        return "byte " + std::to_string(header.location.offset);
    }

    std::string origin_of(const std::string& start) const { return path_ + " at " + start; }

    void skip(const std::string& reason, const std::string& origin) {
        ++skipped_[reason];
        if (options_.on_skip) options_.on_skip(reason, origin);
    }

    void report_progress(const WarcStream& stream) {
        if (!options_.progress) return;
        WarcProgress progress;
        progress.records_read = records_read_;
        progress.records_delivered = delivered_;
        progress.bytes_read = std::min(stream.file_position(), file_bytes_);
        progress.file_bytes = file_bytes_;
        options_.progress(progress);
    }

    Status handle_record(WarcStream& stream, const WarcHeader& header, const std::string& start) {
        const std::string type = lower(header.field("warc-type"));
        const std::string uri = strip_angle_brackets(header.field("warc-target-uri"));
        const std::string origin = origin_of(start);
        const bool web = url::is_web_url(uri);
        const bool content_type = type == "response" || type == "resource" || type == "revisit";

        if (type == "response" && web) remember(header, uri);

        if (!web || !content_type) {
            if (stream.read(nullptr, header.content_length) < header.content_length) return short_read(stream, start);
            const bool silent = !web || type == "warcinfo" || type == "request" || type == "metadata" || content_type;
            if (!silent) skip("WARC record type: " + (type.empty() ? std::string("(none)") : type), origin);
            return Status();
        }
        if (header.content_length > options_.max_record_bytes) {
            if (stream.read(nullptr, header.content_length) < header.content_length) return short_read(stream, start);
            skip(size_limit_reason(options_.max_record_bytes), origin);
            return Status();
        }
        std::string block;
        if (stream.read(&block, header.content_length) < header.content_length) return short_read(stream, start);

        if (type == "response") {
            if (!starts_with(block, "HTTP/")) {
                skip("unreadable HTTP response", origin);
                return Status();
            }
            Result<HttpResponse> response = parse_http_response(block, options_.max_record_bytes);
            if (!response) {
                skip(response.error().message, origin);
                return Status();
            }
            return deliver_response(uri, std::move(response.value()), origin);
        }
        if (type == "resource") {
            return deliver_if_html_or_image(uri, header.field("content-type"), std::move(block), origin);
        }
        return handle_revisit(header, uri, block, origin);
    }

    void remember(const WarcHeader& header, const std::string& uri) {
        const std::string record_id = header.field("warc-record-id");
        const std::string digest = header.field("warc-payload-digest");
        if (!record_id.empty()) by_record_id_[record_id] = header.location;
        if (!digest.empty()) by_digest_[digest] = header.location;
        by_uri_[uri] = header.location;
    }

    Status handle_revisit(const WarcHeader& header, const std::string& uri, const std::string& block,
                          const std::string& origin) {
        const Location* earlier = nullptr;
        auto look = [&](const std::map<std::string, Location>& index, const std::string& key) {
            if (earlier || key.empty()) return;
            const auto found = index.find(key);
            if (found != index.end()) earlier = &found->second;
        };
        look(by_record_id_, header.field("warc-refers-to"));
        look(by_digest_, header.field("warc-payload-digest"));
        look(by_uri_, strip_angle_brackets(header.field("warc-refers-to-target-uri")));
        look(by_uri_, uri);
        if (!earlier) {
            skip("revisit of a record not in this file", origin);
            return Status();
        }
        Result<HttpResponse> original = reread_response(*earlier);
        if (!original) {
            skip(original.error().message, origin);
            return Status();
        }

        HttpResponse merged = std::move(original.value());
        if (starts_with(block, "HTTP/")) {
            Result<HttpResponse> revisit = parse_http_response(block, options_.max_record_bytes);
            // A 304 says only "unchanged": the earlier response stands.
            if (revisit && revisit->status != 304) {
                HttpResponse own = std::move(revisit.value());
                if (own.header("content-type").empty() && !merged.header("content-type").empty()) {
                    own.headers.emplace_back("Content-Type", merged.header("content-type"));
                }
                own.body = std::move(merged.body);
                merged = std::move(own);
            }
        }
        return deliver_response(uri, std::move(merged), origin);
    }

    // The decoded response of the record at `at`, read again from the file.
    Result<HttpResponse> reread_response(const Location& at) const {
        const Error not_found{ErrorCode::not_found, "revisit of a record not in this file"};
        WarcStream stream;
        if (!stream.open(path_, at)) return not_found;
        WarcHeader header;
        std::string problem;
        if (read_warc_header(stream, header, problem) != HeaderOutcome::ok) return not_found;
        if (header.content_length > options_.max_record_bytes) {
            return Error{ErrorCode::too_large, size_limit_reason(options_.max_record_bytes)};
        }
        std::string block;
        if (stream.read(&block, header.content_length) < header.content_length) return not_found;
        if (!starts_with(block, "HTTP/")) return not_found;
        return parse_http_response(block, options_.max_record_bytes);
    }

    Status deliver_response(const std::string& uri, HttpResponse response, const std::string& origin) {
        const int status = response.status;
        // 304 Not Modified is a 3xx that redirects nowhere.
        if (status >= 300 && status <= 399 && status != 304) {
            std::string location = response.header("location");
            if (location.empty()) {
                skip("HTTP " + std::to_string(status) + " without Location", origin);
                return Status();
            }
            SourceRecord record;
            record.url = uri;
            record.status = status;
            record.content_type = response.header("content-type");
            record.location = std::move(location);
            record.body = std::move(response.body);
            record.origin = origin;
            return deliver(std::move(record));
        }
        if (status != 200) {
            skip("HTTP " + std::to_string(status), origin);
            return Status();
        }
        return deliver_if_html_or_image(uri, response.header("content-type"), std::move(response.body), origin);
    }

    Status deliver_if_html_or_image(const std::string& uri, std::string content_type, std::string body,
                                    const std::string& origin) {
        std::string essence = mime_essence(content_type);
        if (essence.empty()) {
            const std::string sniffed = sniff_html_or_image(body);
            if (sniffed.empty()) {
                skip("not HTML or image: (no content type)", origin);
                return Status();
            }
            content_type = essence = sniffed;
        }
        if (!is_deliverable_type(essence)) {
            skip("not HTML or image: " + essence, origin);
            return Status();
        }
        SourceRecord record;
        record.url = uri;
        record.status = 200;
        record.content_type = std::move(content_type);  // with its charset parameter, for decoding
        record.body = std::move(body);
        record.origin = origin;
        return deliver(std::move(record));
    }

    Status deliver(SourceRecord&& record) {
        Status accepted = sink_(std::move(record));
        if (accepted) ++delivered_;
        return accepted;
    }

    const std::string& path_;
    const RecordSink& sink_;
    SkipCounts& skipped_;
    const WarcOptions& options_;
    int64_t file_bytes_ = 0;
    int64_t records_read_ = 0;
    int64_t delivered_ = 0;
    // Where each response record is, for revisits.
    std::map<std::string, Location> by_record_id_;
    std::map<std::string, Location> by_digest_;
    std::map<std::string, Location> by_uri_;
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    const std::string wanted = lower(name);
    for (const auto& [key, value] : headers) {
        if (lower(key) == wanted) return value;
    }
    return "";
}

Result<HttpResponse> parse_http_response(std::string_view block, int64_t max_body_bytes) {
    const Error unreadable{ErrorCode::bad_input, "unreadable HTTP response"};
    HttpResponse response;

    // Headers end at the first empty line, "\r\n\r\n" or (leniently) "\n\n".
    std::size_t header_end = block.size();
    std::size_t body_start = block.size();
    const std::size_t crlf = block.find("\r\n\r\n");
    const std::size_t lf = block.find("\n\n");
    if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
        header_end = crlf;
        body_start = crlf + 4;
    } else if (lf != std::string_view::npos) {
        header_end = lf;
        body_start = lf + 2;
    }
    const std::string_view head = block.substr(0, header_end);

    // Status line: "HTTP/1.1 200 OK".
    const std::size_t first_line_end = std::min(head.find('\n'), head.size());
    const std::string_view status_line = trim(head.substr(0, first_line_end));
    if (!starts_with(status_line, "HTTP/")) return unreadable;
    const std::size_t space = status_line.find(' ');
    if (space == std::string_view::npos) return unreadable;
    const std::string_view code = trim(status_line.substr(space + 1)).substr(0, 3);
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return unreadable;
    }
    response.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');

    std::size_t pos = first_line_end + 1;
    while (pos < head.size()) {
        std::size_t end = head.find('\n', pos);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = end + 1;
        if (line.empty()) continue;
        if ((line[0] == ' ' || line[0] == '\t') && !response.headers.empty()) {
            response.headers.back().second += " " + std::string(trim(line));  // obsolete line folding
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        response.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    }

    std::string body(block.substr(std::min(body_start, block.size())));
    if (lower(response.header("transfer-encoding")).find("chunked") != std::string::npos) {
        std::string dechunked;
        if (dechunk(body, dechunked)) body = std::move(dechunked);
    }

    // Content-Encoding lists codings in the order applied; undo the last first.
    const std::string encodings = lower(response.header("content-encoding"));
    std::vector<std::string> codings;
    for (std::size_t start = 0; start <= encodings.size();) {
        std::size_t comma = encodings.find(',', start);
        if (comma == std::string::npos) comma = encodings.size();
        const std::string coding(trim(std::string_view(encodings).substr(start, comma - start)));
        if (!coding.empty() && coding != "identity") codings.push_back(coding);
        start = comma + 1;
    }
    for (auto coding = codings.rbegin(); coding != codings.rend(); ++coding) {
        std::string decoded;
        InflateOutcome outcome = InflateOutcome::failed;
        if (*coding == "gzip" || *coding == "x-gzip") {
            // Without the gzip magic the body was stored already decompressed.
            if (body.size() < 2 || static_cast<unsigned char>(body[0]) != 0x1F || static_cast<unsigned char>(body[1]) != 0x8B) {
                continue;
            }
            outcome = inflate_body(body, 15 + 16, max_body_bytes, decoded);
        } else if (*coding == "deflate") {
            // "deflate" means zlib-wrapped, but servers often send raw deflate.
            outcome = inflate_body(body, 15, max_body_bytes, decoded);
            if (outcome == InflateOutcome::failed) outcome = inflate_body(body, -15, max_body_bytes, decoded);
        } else {
            return Error{ErrorCode::bad_input, "unsupported content encoding: " + *coding};
        }
        if (outcome == InflateOutcome::too_large) return Error{ErrorCode::too_large, size_limit_reason(max_body_bytes)};
        if (outcome == InflateOutcome::failed) return Error{ErrorCode::bad_input, "undecodable content encoding: " + *coding};
        body = std::move(decoded);
    }
    if (static_cast<int64_t>(body.size()) > max_body_bytes) return Error{ErrorCode::too_large, size_limit_reason(max_body_bytes)};
    response.body = std::move(body);
    return response;
}

Status read_warc(const std::string& path, const RecordSink& sink, SkipCounts& skipped, const WarcOptions& options) {
    if (path.empty()) return Status(ErrorCode::invalid_argument, "no WARC file given");
    if (options.max_record_bytes < 0) return Status(ErrorCode::invalid_argument, "the record size limit cannot be negative");
    try {
        WarcReader reader(path, sink, skipped, options);
        return reader.run();
    } catch (const std::exception& failure) {
        // std::filesystem and std::string can still throw (bad_alloc); no
        // exception leaves the reader.
        return Status(ErrorCode::internal, "reading " + path + " failed: " + failure.what());
    } catch (...) {
        return Status(ErrorCode::internal, "reading " + path + " failed");
    }
}

}  // namespace sitepack::build
