// core_channel.cpp: the native channel, a reading core on its own thread.
#include "sitepack/ui/core_channel.h"

#include "sitepack/reader_core.h"

namespace sitepack::ui {
namespace {

class ThreadChannel final : public CoreChannel {
public:
    explicit ThreadChannel(std::function<void()> wake) : thread_(std::move(wake)) {}
    uint64_t post(reader::Request request) override { return thread_.post(std::move(request)); }
    std::vector<reader::Response> poll() override { return thread_.poll(); }

private:
    reader::CoreThread thread_;
};

}  // namespace

std::unique_ptr<CoreChannel> make_thread_channel(std::function<void()> wake) {
    return std::make_unique<ThreadChannel>(std::move(wake));
}

}  // namespace sitepack::ui
