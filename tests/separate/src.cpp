// The one unit of the separately compiled test runners that compiles server<void>
// and client<void> (and their wss members): every other unit only declares them.
#include <asiows/src.hpp>
