// The one unit of the separately compiled test runners that compiles server<void>
// and client<void> (and their wss members): the other units declare them extern template.
#include <asiows/src.hpp>
