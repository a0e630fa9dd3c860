#include "guest_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace gantry::plugins::os_debootstrap {
namespace {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

// Every directory between root and the file must be a real directory.
sdk::Result<void> checkNoLinks(const fs::path& root, const std::string& relative) {
  fs::path at = root;
  std::string shown;  // the path as the guest sees it
  const fs::path rel(relative);
  for (auto it = rel.begin(); it != rel.end(); ++it) {
    if (*it == ".." || it->empty()) {
      return Error{ErrorCode::kInvalid, "Bad guest path " + relative};
    }
    at /= *it;
    shown += "/" + it->string();
    struct stat st {};
    if (::lstat(at.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return Error{ErrorCode::kEnvironment, "Refusing to follow the symbolic link " + shown +
                                                " in the instance's filesystem"};
    }
  }
  return {};
}

bool isWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

sdk::Result<void> writeGuestFile(const fs::path& root, const std::string& relative,
                                 const std::string& content) {
  if (auto checked = checkNoLinks(root, relative); !checked) return checked;
  const fs::path file = root / relative;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot write /" + relative + " in the instance: " + std::strerror(errno)};
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Error{ErrorCode::kEnvironment, "Cannot write /" + relative + " in the instance"};
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return {};
}

sdk::Result<std::string> readGuestFile(const fs::path& root, const std::string& relative) {
  if (auto checked = checkNoLinks(root, relative); !checked) return std::move(checked).error();
  const fs::path file = root / relative;
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return Error{ErrorCode::kEnvironment,
                 "Cannot read /" + relative + " in the instance: " + std::strerror(errno)};
  }
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

sdk::Result<void> configureGuest(const fs::path& root, const GuestIdentity& guest) {
  const std::pair<const char*, std::string> files[] = {
      {"etc/hostname", guest.hostname + "\n"},
      {"etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t" + guest.hostname +
                        "\n\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                        "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"},
      {"etc/fstab", "# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=" +
                        guest.rootUuid + "\t/\t" + guest.filesystem +
                        "\terrors=remount-ro\t0\t1\n"},
      {"etc/apt/sources.list", "deb " + guest.mirror + " " + guest.suite + " main\n"},
  };
  for (const auto& [relative, content] : files) {
    if (auto written = writeGuestFile(root, relative, content); !written) return written;
  }
  return {};
}

std::string renamedHosts(const std::string& hosts, const std::string& oldName,
                         const std::string& newName) {
  if (oldName.empty()) return hosts;
  std::string out;
  std::size_t at = 0;
  while (at < hosts.size()) {
    const std::size_t found = hosts.find(oldName, at);
    if (found == std::string::npos) break;
    const bool startsWord = found == 0 || !isWordChar(hosts[found - 1]);
    const std::size_t end = found + oldName.size();
    const bool endsWord = end == hosts.size() || !isWordChar(hosts[end]);
    out += hosts.substr(at, found - at);
    out += startsWord && endsWord ? newName : oldName;
    at = end;
  }
  return out + hosts.substr(std::min(at, hosts.size()));
}

sdk::Result<void> renameGuest(const fs::path& root, const std::string& oldName,
                              const std::string& newName) {
  if (auto written = writeGuestFile(root, "etc/hostname", newName + "\n"); !written) {
    return written;
  }
  auto hosts = readGuestFile(root, "etc/hosts");
  if (!hosts) return std::move(hosts).error();
  return writeGuestFile(root, "etc/hosts", renamedHosts(*hosts, oldName, newName));
}

}  // namespace gantry::plugins::os_debootstrap
