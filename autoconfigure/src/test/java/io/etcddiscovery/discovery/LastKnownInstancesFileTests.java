/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.discovery.LastKnownInstancesFile.LastKnownInstances;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LastKnownInstancesFile}: what it writes reads back the same, the write
 * is atomic and throttled, and a corrupt, foreign or unwritable file is one warning.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class LastKnownInstancesFileTests {

	private static final String PREFIX = "/services/default/";

	private static final Duration INTERVAL = Duration.ofSeconds(30);

	private final NamingFormat codec = new NamingFormat();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T08:00:00Z"));

	@TempDir
	Path directory;

	@Test
	void whatIsWrittenReadsBackTheSameReadableByItsOwnerOnly() throws IOException {
		LastKnownInstancesFile file = file(this.directory.resolve("snapshots").resolve("default.json"));
		CacheSnapshot snapshot = snapshot(put("orders", "o1", InstanceStatus.UP, 5),
				put("orders", "o2", InstanceStatus.DOWN, 6), put("billing", "b1", InstanceStatus.UP, 7));
		assertThat(file.changed(snapshot)).isEqualTo(Duration.ZERO);
		file.writePending();
		LastKnownInstances read = file.read();
		assertThat(read).isNotNull();
		assertThat(read.writtenAt()).isEqualTo(this.clock.instant());
		CacheSnapshot restored = CacheSnapshot.restored(read.instances(), read.writtenAt());
		assertThat(restored.isRestored()).isTrue();
		assertThat(restored.isListed()).isFalse();
		assertThat(restored.names()).containsExactly("billing", "orders");
		assertThat(restored.get("orders")).isEqualTo(snapshot.get("orders"));
		assertThat(restored.get("billing")).isEqualTo(snapshot.get("billing"));
		assertThat(restored.get("orders").up()).extracting(DiscoveredInstance::instanceId).containsExactly("o1");
		assertThat(file.getWrites()).isEqualTo(1);
		assertThat(file.getLastWrittenAt()).isEqualTo(this.clock.instant());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getFile()))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getFile().getParent())))
			.isEqualTo("rwx------");
	}

	@Test
	void replacesTheFileAtomicallyLeavingNoTemporaryFile() throws IOException {
		LastKnownInstancesFile file = file(this.directory.resolve("default.json"));
		file.changed(snapshot(put("orders", "o1", InstanceStatus.UP, 5)));
		file.writePending();
		Object inode = Files.getAttribute(file.getFile(), "unix:ino");
		String before = Files.readString(file.getFile());
		try (InputStream reader = Files.newInputStream(file.getFile())) {
			this.clock.advance(INTERVAL);
			file.changed(
					snapshot(put("orders", "o1", InstanceStatus.UP, 5), put("orders", "o2", InstanceStatus.UP, 8)));
			file.writePending();
			// A reader of the old file reads it whole: the new one is a new file, moved
			// over the old name, never the old file rewritten in place.
			assertThat(new String(reader.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(before);
		}
		assertThat(Files.getAttribute(file.getFile(), "unix:ino")).isNotEqualTo(inode);
		assertThat(file.read().instances()).extracting(DiscoveredInstance::instanceId).containsExactly("o1", "o2");
		try (Stream<Path> files = Files.list(this.directory)) {
			assertThat(files).containsExactly(file.getFile());
		}
	}

	@Test
	void writesAtOnceThenAtMostOncePerIntervalTheLatestChangeAndOnClose() {
		LastKnownInstancesFile file = file(this.directory.resolve("default.json"));
		assertThat(file.changed(snapshot(put("orders", "o1", InstanceStatus.UP, 5)))).isEqualTo(Duration.ZERO);
		file.writePending();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(file.changed(snapshot(put("orders", "o2", InstanceStatus.UP, 6))))
			.isEqualTo(INTERVAL.minusSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		// Folded into the write that is due.
		assertThat(file.changed(snapshot(put("orders", "o3", InstanceStatus.UP, 7)))).isNull();
		assertThat(file.getWrites()).isEqualTo(1);
		assertThat(ids(file)).containsExactly("o1");
		this.clock.advance(INTERVAL.minusSeconds(2));
		file.writePending();
		assertThat(file.getWrites()).isEqualTo(2);
		assertThat(ids(file)).containsExactly("o3");
		// Nothing changed since: nothing to write.
		file.writePending();
		file.close();
		assertThat(file.getWrites()).isEqualTo(2);
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(file.changed(snapshot(put("orders", "o4", InstanceStatus.UP, 8))))
			.isEqualTo(INTERVAL.minusSeconds(5));
		file.close();
		assertThat(file.getWrites()).isEqualTo(3);
		assertThat(ids(file)).containsExactly("o4");
		this.clock.advance(INTERVAL.plusSeconds(1));
		assertThat(file.changed(snapshot(put("orders", "o5", InstanceStatus.UP, 9)))).isEqualTo(Duration.ZERO);
	}

	@Test
	void aCorruptOrForeignFileIsOneWarningThenIgnored(CapturedOutput output) throws IOException {
		Path path = this.directory.resolve("default.json");
		LastKnownInstancesFile file = file(path);
		assertThat(file.read()).isNull();
		assertThat(output).contains("No last-known instances of " + PREFIX + " in " + path);
		List<String> contents = List.of("{\"format\":\"etcd-discovery-last-known-instan", "\u0000\u0001garbage",
				"[1,2,3]", "{\"Op\":0,\"Addr\":\"127.0.0.1:8080\"}",
				valid().replace("\"version\" : 1", "\"version\" : 2"),
				valid().replace("\"prefix\" : \"/services/default/\"", "\"prefix\" : \"/services/other/\""),
				valid().replace("\"port\" : 8081", "\"port\" : \"8081\""),
				valid().replace("\"host\" : \"127.0.0.1\"", "\"host\" : \"bad host\""),
				valid().replace("\"key\" : \"/services/default/orders/o1\"", "\"key\" : \"/elsewhere/orders/o1\""));
		List<String> reasons = List.of("not JSON", "not JSON", "not a file of last-known instances",
				"not a file of last-known instances", "version 2, this version reads version 1",
				"instances of /services/other/, not of /services/default/", "the port of /services/default/orders/o1",
				"/services/default/orders/o1: ", "key /elsewhere/orders/o1 is not the key of orders/o1");
		for (int i = 0; i < contents.size(); i++) {
			Files.writeString(path, contents.get(i));
			assertThat(file.read()).as(contents.get(i)).isNull();
			assertThat(occurrences(output, "Ignoring the last-known instances in " + path)).isEqualTo(i + 1);
			assertThat(output).contains("Ignoring the last-known instances in " + path + ": " + reasons.get(i));
		}
		assertThat(output).doesNotContain("\tat ");
		Files.writeString(path, valid());
		assertThat(file.read().instances()).extracting(DiscoveredInstance::instanceId).containsExactly("o1");
	}

	@Test
	void anUnwritableDirectoryIsOneWarningWithoutStackTrace(CapturedOutput output) throws IOException {
		// A regular file where the directory should be: fails for root too.
		Path notADirectory = Files.writeString(this.directory.resolve("not-a-directory"), "");
		LastKnownInstancesFile file = file(notADirectory.resolve("snapshots").resolve("default.json"));
		for (int i = 0; i < 3; i++) {
			file.changed(snapshot(put("orders", "o" + i, InstanceStatus.UP, 5 + i)));
			file.writePending();
			this.clock.advance(INTERVAL);
		}
		assertThat(file.getWrites()).isZero();
		assertThat(file.getLastWrittenAt()).isNull();
		assertThat(occurrences(output, "Could not write the last-known instances")).isEqualTo(1);
		assertThat(output)
			.contains("Could not write the last-known instances of " + PREFIX + " to " + file.getFile() + " (")
			.contains("Set 'discovery.client.snapshot.directory' to a writable directory")
			.doesNotContain("\tat ");
		Files.delete(notADirectory);
		file.changed(snapshot(put("orders", "o9", InstanceStatus.UP, 9)));
		file.writePending();
		assertThat(file.getWrites()).isEqualTo(1);
		assertThat(output).contains("Wrote the last-known instances of " + PREFIX + " to " + file.getFile() + " again");
	}

	@Test
	void eachClusterAndNamespaceHasAFileOfItsOwn() {
		Path one = LastKnownInstancesFile.fileOf(this.directory, PREFIX,
				List.of("http://127.0.0.1:2379", "http://127.0.0.2:2379"));
		assertThat(one.getParent()).isEqualTo(this.directory);
		assertThat(one.getFileName().toString()).matches("services_default-[0-9a-f]{12}\\.json");
		assertThat(LastKnownInstancesFile.fileOf(this.directory, PREFIX,
				List.of("http://127.0.0.2:2379", "http://127.0.0.1:2379")))
			.isEqualTo(one);
		assertThat(LastKnownInstancesFile.fileOf(this.directory, PREFIX, List.of("http://127.0.0.1:2380")))
			.isNotEqualTo(one);
		assertThat(LastKnownInstancesFile.fileOf(this.directory, "/services/other/",
				List.of("http://127.0.0.1:2379", "http://127.0.0.2:2379")))
			.isNotEqualTo(one);
	}

	private String valid() throws IOException {
		Path other = this.directory.resolve("valid").resolve("default.json");
		LastKnownInstancesFile file = file(other);
		file.changed(snapshot(put("orders", "o1", InstanceStatus.UP, 5)));
		file.writePending();
		String content = Files.readString(other);
		assertThat(content).contains("\"version\" : 1", "\"port\" : 8081", "\"host\" : \"127.0.0.1\"",
				"\"prefix\" : \"/services/default/\"", "\"key\" : \"/services/default/orders/o1\"");
		return content;
	}

	private LastKnownInstancesFile file(Path path) {
		return new LastKnownInstancesFile(path, PREFIX, INTERVAL, this.clock);
	}

	private static List<String> ids(LastKnownInstancesFile file) {
		return file.read().instances().stream().map(DiscoveredInstance::instanceId).toList();
	}

	private CacheSnapshot snapshot(KeyChange... kvs) {
		InstanceTable table = new InstanceTable(new ServiceInstanceReader(PREFIX), (key, revision, reason) -> {
			throw new AssertionError(key + ": " + reason);
		});
		List<ServiceInstances> services = new ArrayList<>();
		for (String service : table.replace(List.of(kvs), 10)) {
			services.add(table.instancesOf(service, null));
		}
		return CacheSnapshot.EMPTY.with(services, true);
	}

	private KeyChange put(String service, String id, InstanceStatus status, long revision) {
		ServiceRegistration registration = new ServiceRegistration("default", service, id, "127.0.0.1",
				8080 + Integer.parseInt(id.substring(1)), false, Map.of("zone", "z1", "version", "1.2"), status);
		return new KeyChange(PREFIX + service + "/" + id,
				this.codec.encode(registration, Instant.parse("2026-12-07T07:00:00Z")), revision);
	}

	private static int occurrences(CapturedOutput output, String text) {
		Matcher matcher = Pattern.compile(Pattern.quote(text)).matcher(output.getOut());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
