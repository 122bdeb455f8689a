# Conan 2 recipe for asiows: a header-only package. Its dependencies are
# standalone Asio (or Boost's, option boost_asio), and, as options, OpenSSL (wss)
# and zlib (permessage-deflate).
# Where no Conan remote is reachable, conan/profiles/debian declares them as the
# system's packages ([platform_requires]); with Conan Center they come from there.
#   conan create . -pr:a conan/profiles/debian     (tests with test_package/)
import os
import re

from conan import ConanFile
from conan.tools.files import copy, load


class AsiowsConan(ConanFile):
    name = "asiows"
    description = "Header-only WebSocket library (RFC 6455, RFC 7692) on standalone Asio"
    license = "BSL-1.0"
    topics = ("websocket", "asio", "header-only", "networking")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"ssl": [True, False], "deflate": [True, False], "boost_asio": [True, False]}
    default_options = {"ssl": True, "deflate": True, "boost_asio": False}
    exports_sources = "include/*", "LICENSE"
    no_copy_source = True

    def set_version(self):
        # One version for CMake and Conan: the project() line of CMakeLists.txt.
        cmake = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
        self.version = re.search(r"project\(asiows VERSION ([0-9.]+)", cmake).group(1)

    def requirements(self):
        if self.options.boost_asio:
            self.requires("boost/[>=1.79 <2]")  # Boost.Asio 1.79 carries Asio 1.22
        else:
            self.requires("asio/[>=1.22 <2]")
        if self.options.ssl:
            self.requires("openssl/[>=3 <4]")
        if self.options.deflate:
            self.requires("zlib/[>=1.2.11 <2]")

    def package_id(self):
        self.info.clear()  # headers only: one package whatever the settings

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))

    def package_info(self):
        # The same targets as asiows' own CMake package: asiows::core, asiows::asiows, asiows::ssl.
        self.cpp_info.set_property("cmake_file_name", "asiows")
        self.cpp_info.set_property("pkg_config_name", "asiows")
        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "asiows::core")
        core.bindirs = []
        core.libdirs = []
        if self.options.deflate:
            core.defines = ["ASIOWS_ENABLE_DEFLATE=1"]
            self._link(core, "zlib", ["zlib::zlib"], ["z"])
        library = self.cpp_info.components["asiows"]
        library.set_property("cmake_target_name", "asiows::asiows")
        library.bindirs = []
        library.libdirs = []
        library.requires = ["core"]
        if self.options.boost_asio:
            library.defines = ["ASIOWS_USE_BOOST_ASIO=1", "BOOST_ASIO_NO_DEPRECATED"]
            self._link(library, "boost", ["boost::headers"], [])
        else:
            library.defines = ["ASIO_STANDALONE", "ASIO_NO_DEPRECATED"]
            self._link(library, "asio", ["asio::asio"], [])
        if self.settings.os in ("Linux", "FreeBSD"):
            library.system_libs = ["pthread"]
        if self.options.ssl:
            ssl = self.cpp_info.components["ssl"]
            ssl.set_property("cmake_target_name", "asiows::ssl")
            ssl.bindirs = []
            ssl.libdirs = []
            ssl.defines = ["ASIOWS_ENABLE_SSL=1"]
            ssl.requires = ["asiows"]
            self._link(ssl, "openssl", ["openssl::ssl", "openssl::crypto"], ["ssl", "crypto"])

    def _link(self, component, package, components, system_libs):
        # A dependency from Conan links through its components; one the profile
        # declares as the system's ([platform_requires]) has none: link its libraries.
        if any(dependency.ref.name == package for dependency in self.dependencies.host.values()):
            component.requires += components
        else:
            component.system_libs += system_libs
