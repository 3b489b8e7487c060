// ui_core_client_test.cpp: the views' client of the reading core, over the
// native channel (a core thread) and over a channel that carries every
// message as JSON text as the browser's Worker channel does, on a bundle
// built from the sample mirror.
#include <doctest/doctest.h>


#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "core_client.h"  // private to the views (shared/ui)
#include "site_builder.h"
#include "sitepack/reader_core.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace sitepack;

namespace {

using test::sample_bundle;

// The browser's channel without the browser: each request and response
// crosses as JSON text (reader_messages.h), served by a ReaderCore in turn.
class JsonLoopbackChannel final : public ui::CoreChannel {
public:
    uint64_t post(reader::Request request) override {
        if (request.id == 0) request.id = next_id_++;
        Result<reader::Request> received = reader::request_from_json_text(reader::to_json_text(request));
        REQUIRE_MESSAGE(received.ok(), received.error().message);
        reader::HandleContext context;
        context.progress = [this](reader::Response partial) { arrive(partial); };
        arrive(core_.handle(received.value(), context));
        return request.id;
    }
    std::vector<reader::Response> poll() override {
        std::vector<reader::Response> out;
        out.swap(arrived_);
        return out;
    }
    size_t json_bytes = 0;

private:
    void arrive(const reader::Response& response) {
        const std::string text = reader::to_json_text(response);
        json_bytes += text.size();
        Result<reader::Response> parsed = reader::response_from_json_text(text);
        REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
        arrived_.push_back(std::move(parsed).value());
    }
    reader::ReaderCore core_;
    uint64_t next_id_ = 1;
    std::vector<reader::Response> arrived_;
};

// Polls until the response to `id` arrives (5 s at most).
ui::CoreResponse wait_for(ui::CoreClient& client, uint64_t id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        for (ui::CoreResponse& response : client.poll())
            if (response.id == id) return response;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    FAIL("no response to request " << id << " within 5 s");
    return {};
}

ui::CoreRequest request(ui::RequestKind kind, std::string text = "", int64_t number = 0) {
    ui::CoreRequest r;
    r.kind = kind;
    r.text = std::move(text);
    r.number = number;
    r.limit = 10;
    return r;
}

// What the reader does on opening a bundle: open, its fonts, a random page.
void open_read_fonts_and_random_page(ui::CoreClient& client) {
    ui::CoreResponse opened = wait_for(client, client.post(request(ui::RequestKind::open_bundle, sample_bundle())));
    REQUIRE_MESSAGE(opened.status.ok(), opened.status.message());
    CHECK(opened.kind == ui::RequestKind::open_bundle);
    CHECK(opened.info.page_count > 0);

    // The bundle's embedded fonts come from the core, not a Bundle of the UI's own.
    ui::CoreResponse fonts = wait_for(client, client.post(request(ui::RequestKind::fonts)));
    REQUIRE_MESSAGE(fonts.status.ok(), fonts.status.message());
    CHECK(fonts.kind == ui::RequestKind::fonts);
    bool has_regular = false;
    for (const FontRecord& font : fonts.fonts)
        if (font.face == "regular" && font.content.size() > 1000) has_regular = true;
    CHECK_MESSAGE(has_regular, "the sample bundle's regular face did not arrive");

    // A random page is two requests underneath, answered under the first id.
    const uint64_t asked = client.post(request(ui::RequestKind::random_page));
    ui::CoreResponse random = wait_for(client, asked);
    REQUIRE_MESSAGE(random.status.ok(), random.status.message());
    CHECK(random.kind == ui::RequestKind::random_page);
    CHECK(random.page.id > 0);
    CHECK(random.document.has_value());
    CHECK_FALSE(client.busy());
}

}  // namespace

TEST_CASE("core client over the core thread: open, fonts, random page") {
    ui::CoreClient client(ui::make_thread_channel({}));
    open_read_fonts_and_random_page(client);
}

TEST_CASE("core client over JSON text (the browser's channel): open, fonts, random page") {
    auto channel = std::make_unique<JsonLoopbackChannel>();
    JsonLoopbackChannel* json = channel.get();
    ui::CoreClient client(std::move(channel));
    open_read_fonts_and_random_page(client);
    CHECK(json->json_bytes > 0);
}

TEST_CASE("core client: fonts without an open bundle is an error, not a crash") {
    ui::CoreClient client(std::make_unique<JsonLoopbackChannel>());
    ui::CoreResponse fonts = wait_for(client, client.post(request(ui::RequestKind::fonts)));
    CHECK_FALSE(fonts.status.ok());
    CHECK(fonts.kind == ui::RequestKind::fonts);
}

TEST_CASE("core client: a missing bundle is an error naming it") {
    ui::CoreClient client(ui::make_thread_channel({}));
    const std::string missing = (test::scratch_folder() / "nothing-here.sitepack").string();
    ui::CoreResponse opened = wait_for(client, client.post(request(ui::RequestKind::open_bundle, missing)));
    CHECK_FALSE(opened.status.ok());
    CHECK(opened.status.message().find("nothing-here.sitepack") != std::string::npos);
}

TEST_CASE("core client: verify reports its progress before its report") {
    ui::CoreClient client(std::make_unique<JsonLoopbackChannel>());
    REQUIRE(wait_for(client, client.post(request(ui::RequestKind::open_bundle, sample_bundle()))).status.ok());
    const uint64_t asked = client.post(request(ui::RequestKind::verify));
    std::vector<ui::CoreResponse> updates;
    std::optional<ui::CoreResponse> report;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!report && std::chrono::steady_clock::now() < deadline) {
        for (ui::CoreResponse& response : client.poll()) {
            if (response.id != asked) continue;
            if (response.partial) updates.push_back(response);
            else report = response;
        }
    }
    REQUIRE_MESSAGE(report.has_value(), "no verify report within 10 s");
    REQUIRE_MESSAGE(report->status.ok(), report->status.message());
    CHECK(report->verify.ok());
    REQUIRE_MESSAGE(updates.size() >= 2, "the progress bar needs updates while the check runs");
    int64_t previous = -1;
    for (const ui::CoreResponse& update : updates) {
        CHECK(update.kind == ui::RequestKind::verify);
        CHECK(update.total > 0);
        CHECK(update.done <= update.total);
        CHECK(update.done >= previous);
        previous = update.done;
    }
    CHECK_FALSE(client.busy());
}
