# Greenlight: `make demo` and `make test` are all a new user needs on Debian 12.
.PHONY: deps build demo demo-png test memcheck sanitize fuzz plugin-test bench bench-check bench-service accuracy samples clean

deps:
	@scripts/deps.sh

build: deps
	swift build -c release --product greenlight

# Builds release, checks every clip in sample-media (some are broken on purpose), writes reports/.
demo: build
	@mkdir -p reports
	@status=0; "$$(swift build -c release --show-bin-path)/greenlight" check sample-media \
	  --json reports/qc.json --junit reports/qc.xml --html reports/qc.html --markers reports/markers.edl || status=$$?; \
	echo; echo "greenlight exited with $$status (2: sample-media/broken holds unreadable files on purpose)."; \
	echo "Reports: reports/qc.json reports/qc.xml reports/qc.html and reports/markers-*.edl"; \
	[ $$status -le 2 ]

# The demo's HTML report as headless Chromium shows it: reports/qc.png (and its console messages).
demo-png: demo
	@scripts/deps.sh chromium
	scripts/render-html.sh reports/qc.html reports/qc.png reports/qc-console.log > /dev/null
	@echo "reports/qc.png written; browser console messages: $$(wc -l < reports/qc-console.log)"

# The sanitizer run first, so the last line is Swift Testing's own summary. The report tests
# want a browser, xmllint and Python's jsonschema, the hostile-input corpus the ffmpeg CLI, the
# service's tests a PostgreSQL server (started in a temporary folder for the run) and its API
# contract openapi-spec-validator and schemathesis (each test says so and skips when one is missing).
test: deps
	@scripts/deps.sh chromium xmllint jsonschema ffmpeg postgresql openapi
	scripts/memcheck.sh
	scripts/test-plugin.sh
	swift test --package-path Examples/SlateCheck
	scripts/test-service-api.sh
	scripts/with-postgres.sh swift test

memcheck: deps
	scripts/memcheck.sh

# The whole test suite under AddressSanitizer + LeakSanitizer, then ThreadSanitizer (about 25 min).
sanitize: deps
	@scripts/deps.sh chromium xmllint jsonschema ffmpeg
	scripts/sanitize.sh

# libFuzzer over every parser (subtitle formats, profiles, media through FFmpeg's demuxers),
# a fixed seed and input count (~30 s each), or FUZZ_SECONDS each exploring with a random
# seed; crashes are left in .build-fuzz/artifacts/.
fuzz: deps
	scripts/fuzz.sh

# The SwiftPM plugin (release build): a passing check passes, a failing gate fails the command.
plugin-test: deps
	scripts/test-plugin.sh

# Speed and memory side by side with FFmpeg (about thirteen minutes; clips are made once in bench-media/).
bench:
	@scripts/deps.sh ffmpeg time chromium
	@scripts/bench.sh
	@scripts/bench-batch.sh

# The service under load: 10 000 queued jobs, 50 concurrent API clients, two workers checking
# (API latency percentiles and the server's memory; about two minutes).
bench-service: deps
	@scripts/deps.sh wrk
	@scripts/bench-service.sh

# The benchmark-regression check CI runs: fails when the check's CPU relative to decoding alone
# is 20 % over scripts/bench-baseline.txt.
bench-check: deps
	@scripts/bench-check.sh

# How often each checker is right on real material with known defects (cases made with the ffmpeg
# CLI from ../shared/corpora and sample-media, cached in .build-accuracy/): prints the table, writes
# reports/accuracy/, and fails when a figure is worse than scripts/accuracy-baseline.json.
accuracy: deps
	@scripts/deps.sh ffmpeg
	@swift build -c release --product greenlight >/dev/null
	@scripts/accuracy.py --greenlight "$$(swift build -c release --show-bin-path)/greenlight"

# Remakes the sample clips (and needs manifest.json to stay true).
samples:
	@scripts/deps.sh ffmpeg
	sample-media/make-samples.sh

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz .build-accuracy reports bench-media
