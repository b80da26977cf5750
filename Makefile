# Every target bootstraps its own toolchain (Node >= 22.13 from the npm registry when the system Node is older,
# then `npm ci` when package-lock.json changed) through scripts/toolchain.sh.
TOOLCHAIN := bash scripts/toolchain.sh

.PHONY: test demo fuzz bench snapshot format clean

test:
	$(TOOLCHAIN) npm test

demo:
	$(TOOLCHAIN) npm run demo

fuzz:
	$(TOOLCHAIN) npm run fuzz

snapshot:
	$(TOOLCHAIN) npm run gas:snapshot

format:
	$(TOOLCHAIN) npm run format

clean:
	rm -rf artifacts cache types .demo sdk/dist
