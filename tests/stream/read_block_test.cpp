#include <asiows/core/detail/read_block.hpp>

#include "catch.hpp"

using asiows::detail::max_spare_read_blocks;
using asiows::detail::read_block;
using asiows::detail::read_block_size;
using asiows::detail::spare_read_blocks;

TEST_CASE("read_block: lent from this thread's spares, given back to them") {
  spare_read_blocks().clear();
  read_block block;
  CHECK_FALSE(block.held());
  block.acquire();
  REQUIRE(block.held());
  CHECK(block.size() == read_block_size);
  std::uint8_t* const first = block.data();
  block.release();
  CHECK_FALSE(block.held());
  CHECK(block.size() == 0);
  REQUIRE(spare_read_blocks().size() == 1);

  read_block other;
  other.acquire();
  CHECK(other.data() == first); // the spare, not a new allocation
  CHECK(spare_read_blocks().empty());
  other.release();
}

TEST_CASE("read_block: spares are bounded, and an oversized block is freed, not kept") {
  spare_read_blocks().clear();
  std::vector<read_block> blocks(max_spare_read_blocks + 3);
  for (auto& block : blocks) block.acquire();
  for (auto& block : blocks) block.release();
  CHECK(spare_read_blocks().size() == max_spare_read_blocks);

  spare_read_blocks().clear();
  const std::vector<std::uint8_t> big(read_block_size + 10, 7);
  read_block block;
  block.assign(big.data(), big.size());
  CHECK(block.size() == big.size());
  CHECK(std::equal(big.begin(), big.end(), block.data()));
  block.release();
  CHECK(spare_read_blocks().empty());

  block.assign(big.data(), 5); // small: a standard block
  CHECK(block.size() == read_block_size);
  CHECK(block.data()[4] == 7);
}
