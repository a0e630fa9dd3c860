#include "core/rpc/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "core/util/atomic_file.h"

namespace {

namespace fs = std::filesystem;
using namespace gantry::core::rpc;
using gantry::sdk::ErrorCode;

// RFC 32's sample public key and its 32 bytes, bb88471d...c518; the
// fingerprint is SHA-256 of those bytes.
constexpr const char* kSampleKey = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
constexpr const char* kSampleFingerprint =
    "eb:b3:af:4d:d9:9c:ef:f3:6e:9f:90:b5:db:3e:45:0e:4a:fd:35:68:44:31:fa:9f:"
    "0e:c9:ee:5a:f5:c3:e8:c3";

mode_t modeOf(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 07777;
}

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gantry-keys-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeysTest, GeneratesValidDistinctPairs) {
  auto a = generateCurveKeyPair();
  auto b = generateCurveKeyPair();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->publicKey.size(), kCurveKeyTextLength);
  EXPECT_TRUE(isValidCurveKeyText(a->publicKey));
  EXPECT_TRUE(isValidCurveKeyText(a->secretKey));
  EXPECT_NE(a->publicKey, b->publicKey);
  auto derived = curvePublicKeyOf(a->secretKey);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, a->publicKey);
}

TEST_F(KeysTest, RejectsMalformedKeyText) {
  EXPECT_FALSE(isValidCurveKeyText(""));
  EXPECT_FALSE(isValidCurveKeyText(std::string(39, 'a')));
  EXPECT_FALSE(isValidCurveKeyText(std::string(40, '"')));  // not in Z85
  EXPECT_FALSE(curvePublicKeyOf("short").ok());
  auto fp = curveKeyFingerprint("not a key");
  ASSERT_FALSE(fp.ok());
  EXPECT_EQ(fp.error().code, ErrorCode::kInvalid);
}

TEST_F(KeysTest, FingerprintIsSha256OfTheRawKey) {
  auto fp = curveKeyFingerprint(kSampleKey);
  ASSERT_TRUE(fp.ok()) << fp.error().message;
  EXPECT_EQ(*fp, kSampleFingerprint);
}

TEST_F(KeysTest, FingerprintIsStableAcrossSaveAndLoad) {
  auto keys = generateCurveKeyPair();
  ASSERT_TRUE(keys.ok());
  ASSERT_TRUE(saveKeyPair(dir_, kNodeKeyName, *keys).ok());
  auto loaded = loadKeyPair(dir_, kNodeKeyName);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto before = curveKeyFingerprint(keys->publicKey);
  auto after = curveKeyFingerprint(loaded->publicKey);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
  EXPECT_EQ(before->size(), 32u * 3 - 1);
  auto other = generateCurveKeyPair();
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*curveKeyFingerprint(other->publicKey), *before);
}

TEST_F(KeysTest, KeyFilesAre0600FromTheirCreation) {
  auto keys = generateCurveKeyPair();
  ASSERT_TRUE(keys.ok());
  // Before any byte of the secret is written, the temp file that becomes
  // the key file must already be private.
  std::set<mode_t> modesSeen;
  const fs::path secretFile = secretKeyFile(dir_, kNodeKeyName);
  gantry::core::util::ScopedFileFaultHook hook(
      [&](gantry::core::util::FileStep step, const fs::path& target) {
        if (step == gantry::core::util::FileStep::kWrite && target == secretFile) {
          const std::string prefix =
              gantry::core::util::atomicWriteLeftoverPrefix(target);
          for (const auto& entry : fs::directory_iterator(dir_)) {
            if (entry.path().filename().string().rfind(prefix, 0) == 0) {
              modesSeen.insert(modeOf(entry.path()));
            }
          }
        }
        return 0;
      });
  const mode_t oldMask = ::umask(0);  // the mode must not rely on the umask
  auto saved = saveKeyPair(dir_, kNodeKeyName, *keys);
  ::umask(oldMask);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_EQ(modesSeen, std::set<mode_t>{0600});
  EXPECT_EQ(modeOf(secretFile), 0600u);
  EXPECT_EQ(modeOf(publicKeyFile(dir_, kNodeKeyName)), 0600u);
}

TEST_F(KeysTest, LoadOrCreateCreatesOnceThenLoads) {
  bool created = false;
  auto first = loadOrCreateKeyPair(dir_, kClusterKeyName, &created);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(created);
  auto second = loadOrCreateKeyPair(dir_, kClusterKeyName, &created);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(created);
  EXPECT_EQ(first->publicKey, second->publicKey);
  EXPECT_EQ(first->secretKey, second->secretKey);
}

TEST_F(KeysTest, LoadOrCreateRefusesALoneHalf) {
  auto keys = generateCurveKeyPair();
  ASSERT_TRUE(saveKeyPair(dir_, kNodeKeyName, *keys).ok());
  fs::remove(publicKeyFile(dir_, kNodeKeyName));
  auto loaded = loadOrCreateKeyPair(dir_, kNodeKeyName);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(publicKeyFile(dir_, kNodeKeyName).string()),
            std::string::npos)
      << loaded.error().message;
}

TEST_F(KeysTest, LoadErrorsNameTheFile) {
  auto missing = loadKeyPair(dir_, kNodeKeyName);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("node-curve.key"), std::string::npos);

  fs::create_directories(dir_);
  std::ofstream(dir_ / "bad.pub") << "not a key\n";
  auto malformed = readKeyFile(dir_ / "bad.pub");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().message,
            "CURVE key file " + (dir_ / "bad.pub").string() +
                " is malformed: expected 40 Z85 characters");
}

TEST_F(KeysTest, MismatchedHalvesAreRefused) {
  auto a = generateCurveKeyPair();
  auto b = generateCurveKeyPair();
  ASSERT_TRUE(saveKeyPair(dir_, kNodeKeyName, *a).ok());
  ASSERT_TRUE(writeKeyFile(publicKeyFile(dir_, kNodeKeyName), b->publicKey).ok());
  auto loaded = loadKeyPair(dir_, kNodeKeyName);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("do not belong together"), std::string::npos);
  EXPECT_FALSE(saveKeyPair(dir_, kClusterKeyName,
                           CurveKeyPair{a->publicKey, b->secretKey})
                   .ok());
}

TEST_F(KeysTest, SecretReadableByOthersIsRefused) {
  auto keys = generateCurveKeyPair();
  ASSERT_TRUE(saveKeyPair(dir_, kNodeKeyName, *keys).ok());
  fs::permissions(secretKeyFile(dir_, kNodeKeyName), fs::perms(0644));
  auto loaded = loadKeyPair(dir_, kNodeKeyName);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("(mode 0644); it must be mode 0600"),
            std::string::npos)
      << loaded.error().message;
}

}  // namespace
