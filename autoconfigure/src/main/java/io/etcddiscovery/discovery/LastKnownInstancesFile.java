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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import io.etcddiscovery.etcd.layout.Layout;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.Assert;

/**
 * The instances a {@link ServiceCache} last knew, in a file, so that a cache that starts
 * while etcd cannot be listed answers from what it knew before rather than from nothing.
 * Only the cache reads it, only then, and the first listing of etcd replaces it whole;
 * registration never uses it.
 * <p>
 * Written atomically (a temporary file in the same directory, then an atomic move), at
 * most once per write interval and once more when the cache closes, readable by its owner
 * only: the file decides where requests go. JSON with a {@code format} and a
 * {@code version}; a file that is not this format, of another version or another prefix,
 * or corrupt, is one warning and is then ignored. A directory that cannot be written is
 * one warning, not a failure: the cache works as without the file.
 * <p>
 * Not thread-safe: {@link #changed} and {@link #writePending()} run on the cache's
 * executor, {@link #close()} once that executor has stopped; {@link #read()} touches no
 * state, and the cache calls it once, under a lock. Figures for endpoints are published
 * through volatile fields.
 *
 * @author etcd-discovery authors
 */
public final class LastKnownInstancesFile {

	/**
	 * The {@code format} field of the file.
	 */
	static final String FORMAT = "etcd-discovery-last-known-instances";

	/**
	 * The {@code version} this class writes and reads.
	 */
	static final int VERSION = 1;

	// Far above any real namespace (instances are a few hundred bytes): a larger file is
	// not one of ours and is not worth the memory.
	static final long MAX_SIZE = 64L * 1024 * 1024;

	private static final Log logger = LogFactory.getLog(LastKnownInstancesFile.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Path file;

	private final Path directory;

	private final String prefix;

	private final Duration writeInterval;

	private final Clock clock;

	private @Nullable CacheSnapshot pending;

	private boolean writeScheduled;

	private @Nullable Instant lastAttemptAt;

	// Whether the last write failed: the next failure is not logged again.
	private boolean failing;

	private volatile @Nullable Instant lastWrittenAt;

	private volatile long writes;

	/**
	 * Create a file of last-known instances.
	 * @param file the file
	 * @param prefix the namespace prefix of the cache that writes and reads it
	 * @param writeInterval the shortest time between two writes
	 * @param clock the clock of the timestamps and of the write interval
	 */
	public LastKnownInstancesFile(Path file, String prefix, Duration writeInterval, Clock clock) {
		Assert.notNull(file, "'file' must not be null");
		Assert.isTrue(prefix != null && prefix.endsWith("/"), "'prefix' must end with '/'");
		Assert.isTrue(writeInterval != null && !writeInterval.isNegative(), "'writeInterval' must not be negative");
		Assert.notNull(clock, "'clock' must not be null");
		this.file = file.toAbsolutePath();
		Path directory = this.file.getParent();
		Assert.notNull(directory, "'file' must be in a directory");
		this.directory = directory;
		this.prefix = prefix;
		this.writeInterval = writeInterval;
		this.clock = clock;
	}

	/**
	 * Return the file of a namespace of an etcd cluster in a directory: one file per
	 * cluster and namespace, so that the applications of one user on one host that
	 * discover the same namespace share it, and those of other namespaces or other
	 * clusters never read it. The name starts with the prefix and ends with a hash of the
	 * prefix and the sorted endpoints (which never appear in it).
	 * @param directory the directory
	 * @param prefix the namespace prefix
	 * @param endpoints the etcd endpoints
	 * @return the file
	 */
	public static Path fileOf(Path directory, String prefix, List<String> endpoints) {
		Assert.notNull(directory, "'directory' must not be null");
		Assert.notNull(prefix, "'prefix' must not be null");
		Assert.notNull(endpoints, "'endpoints' must not be null");
		String readable = prefix.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
		if (readable.length() > 64) {
			readable = readable.substring(0, 64);
		}
		StringBuilder identity = new StringBuilder(prefix);
		endpoints.stream().sorted().forEach((endpoint) -> identity.append('\n').append(endpoint));
		String hash = HexFormat.of().formatHex(sha256(identity.toString()), 0, 6);
		return directory.resolve((readable.isEmpty() ? "" : readable + "-") + hash + ".json");
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			// Every Java platform has SHA-256.
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the file.
	 * @return the absolute path of the file
	 */
	public Path getFile() {
		return this.file;
	}

	/**
	 * Return when this application last wrote the file.
	 * @return the time, or {@code null} if it has not
	 */
	public @Nullable Instant getLastWrittenAt() {
		return this.lastWrittenAt;
	}

	/**
	 * Return how many times this application wrote the file.
	 * @return the number of writes
	 */
	public long getWrites() {
		return this.writes;
	}

	/**
	 * Note what the cache knows now, and return when to write it: at once for the first
	 * change, then no sooner than the write interval after the previous write. A change
	 * while a write is due is folded into that write.
	 * @param current what the cache knows, from a listing of etcd
	 * @return the delay after which to call {@link #writePending()}, or {@code null} if a
	 * write is already due
	 */
	@Nullable Duration changed(CacheSnapshot current) {
		this.pending = current;
		if (this.writeScheduled) {
			return null;
		}
		this.writeScheduled = true;
		Instant last = this.lastAttemptAt;
		if (last == null) {
			return Duration.ZERO;
		}
		Duration delay = this.writeInterval.minus(Duration.between(last, this.clock.instant()));
		return delay.isNegative() ? Duration.ZERO : delay;
	}

	/**
	 * Write what the cache last knew, if it changed since the last write.
	 */
	void writePending() {
		this.writeScheduled = false;
		CacheSnapshot current = this.pending;
		this.pending = null;
		if (current != null) {
			write(current);
		}
	}

	/**
	 * Write a change that is not written yet; called once the cache's executor stopped.
	 */
	void close() {
		writePending();
	}

	private void write(CacheSnapshot current) {
		Instant now = this.clock.instant();
		this.lastAttemptAt = now;
		try {
			writeAtomically(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(render(current, now)));
		}
		catch (IOException | RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn(("Could not write the last-known instances of %s to %s (%s): a restart while etcd cannot "
						+ "be listed will find none. Set 'discovery.client.snapshot.directory' to a writable directory, "
						+ "or 'discovery.client.snapshot.enabled' to false")
					.formatted(this.prefix, this.file, describe(ex)));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Could not write %s (%s)".formatted(this.file, describe(ex)));
			}
			return;
		}
		if (this.failing) {
			logger.info("Wrote the last-known instances of %s to %s again".formatted(this.prefix, this.file));
		}
		this.failing = false;
		this.lastWrittenAt = now;
		this.writes++;
		if (logger.isDebugEnabled()) {
			logger.debug("Wrote the last-known instances of %s to %s".formatted(this.prefix, this.file));
		}
	}

	private ObjectNode render(CacheSnapshot current, Instant now) {
		ObjectNode root = json.createObjectNode();
		root.put("format", FORMAT);
		root.put("version", VERSION);
		root.put("prefix", this.prefix);
		root.put("writtenAt", now.toString());
		ArrayNode instances = root.putArray("instances");
		List<ServiceInstances> services = new ArrayList<>(current.services());
		services.sort(Comparator.comparing(ServiceInstances::service));
		for (ServiceInstances service : services) {
			for (DiscoveredInstance instance : service.all()) {
				ObjectNode node = instances.addObject();
				node.put("key", instance.key());
				node.put("modRevision", instance.modRevision());
				node.put("service", instance.service());
				node.put("instanceId", instance.instanceId());
				node.put("host", instance.host());
				node.put("port", instance.port());
				node.put("secure", instance.secure());
				node.put("status", instance.status().name());
				node.put("address", instance.address());
				if (instance.registeredAt() != null) {
					node.put("registeredAt", instance.registeredAt().toString());
				}
				if (!Layout.OWN.equals(instance.layout())) {
					node.put("layout", instance.layout());
				}
				HostAndPort grpc = instance.grpc();
				if (grpc != null) {
					node.put("grpc",
							(grpc.host().contains(":") ? "[" + grpc.host() + "]" : grpc.host()) + ":" + grpc.port());
				}
				ObjectNode metadata = node.putObject("metadata");
				new TreeMap<>(instance.metadata()).forEach(metadata::put);
			}
		}
		return root;
	}

	private void writeAtomically(byte[] content) throws IOException {
		Path directory = this.directory;
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		if (!Files.isDirectory(directory)) {
			if (posix) {
				Files.createDirectories(directory,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			}
			else {
				Files.createDirectories(directory);
			}
		}
		// Readable by its owner only where the file system allows it.
		FileAttribute<?>[] attributes = posix
				? new FileAttribute<?>[] {
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) }
				: new FileAttribute<?>[0];
		Path temporary = Files.createTempFile(directory, "." + this.file.getFileName() + "-", ".tmp", attributes);
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				// On disk before the move: a crash never leaves a renamed, empty file.
				channel.force(true);
			}
			Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * Read the file.
	 * @return the instances, or {@code null} if there is no file or it cannot be used
	 */
	@Nullable LastKnownInstances read() {
		try {
			if (Files.size(this.file) > MAX_SIZE) {
				throw new InvalidFileException("larger than " + MAX_SIZE + " bytes");
			}
			return parse(Files.readAllBytes(this.file));
		}
		catch (NoSuchFileException ex) {
			logger.info("No last-known instances of %s in %s".formatted(this.prefix, this.file));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Ignoring the last-known instances in %s: %s".formatted(this.file, describe(ex)));
		}
		return null;
	}

	private LastKnownInstances parse(byte[] content) {
		JsonNode root;
		try {
			root = json.readTree(content);
		}
		catch (JacksonException ex) {
			throw new InvalidFileException("not JSON (" + ex.getOriginalMessage() + ")");
		}
		if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asString(null))) {
			throw new InvalidFileException("not a file of last-known instances");
		}
		JsonNode version = root.path("version");
		if (!version.isIntegralNumber() || version.asInt() != VERSION) {
			throw new InvalidFileException("version " + version + ", this version reads version " + VERSION);
		}
		String prefix = text(root, "prefix");
		if (!this.prefix.equals(prefix)) {
			throw new InvalidFileException("instances of " + prefix + ", not of " + this.prefix);
		}
		Instant writtenAt = instant(root, "writtenAt");
		JsonNode instances = root.path("instances");
		if (!instances.isArray()) {
			throw new InvalidFileException("no instances");
		}
		Map<String, DiscoveredInstance> byKey = new LinkedHashMap<>();
		for (JsonNode node : instances) {
			DiscoveredInstance instance = instance(node);
			byKey.put(instance.key(), instance);
		}
		return new LastKnownInstances(List.copyOf(byKey.values()), writtenAt);
	}

	private DiscoveredInstance instance(JsonNode node) {
		if (!node.isObject()) {
			throw new InvalidFileException("an instance is not an object");
		}
		String key = text(node, "key");
		String service = text(node, "service");
		String instanceId = text(node, "instanceId");
		if (!key.startsWith(this.prefix) || !key.endsWith("/" + service + "/" + instanceId)) {
			throw new InvalidFileException("key " + key + " is not the key of " + service + "/" + instanceId);
		}
		String host = text(node, "host");
		JsonNode port = node.path("port");
		if (!port.isIntegralNumber() || !port.canConvertToInt()) {
			throw new InvalidFileException("the port of " + key + " is not a number");
		}
		JsonNode secure = node.path("secure");
		InstanceStatus status;
		try {
			status = InstanceStatus.valueOf(text(node, "status"));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidFileException("the status of " + key + " is unknown");
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		JsonNode metadataNode = node.path("metadata");
		if (metadataNode.isObject()) {
			for (Map.Entry<String, JsonNode> entry : metadataNode.properties()) {
				if (!entry.getValue().isString()) {
					throw new InvalidFileException("the metadata of " + key + " are not strings");
				}
				metadata.put(entry.getKey(), entry.getValue().asString());
			}
		}
		JsonNode registeredAt = node.path("registeredAt");
		try {
			InstanceValidator.validate(service, instanceId, host, port.asInt(), secure.asBoolean(false), metadata);
			return new DiscoveredInstance(service, instanceId, host, port.asInt(), secure.asBoolean(false), status,
					metadata, text(node, "address"), key, node.path("modRevision").asLong(0),
					registeredAt.isString() ? instant(node, "registeredAt") : null,
					node.path("layout").isString() ? node.path("layout").asString() : Layout.OWN,
					node.path("grpc").isString() ? HostAndPort.parse(node.path("grpc").asString()) : null);
		}
		catch (InvalidInstanceValueException | IllegalArgumentException ex) {
			throw new InvalidFileException(key + ": " + ex.getMessage());
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (!value.isString() || value.asString().isEmpty()) {
			throw new InvalidFileException("no " + field);
		}
		return value.asString();
	}

	private static Instant instant(JsonNode node, String field) {
		try {
			return Instant.parse(text(node, field));
		}
		catch (DateTimeParseException ex) {
			throw new InvalidFileException(field + " is not a time");
		}
	}

	private static String describe(Throwable ex) {
		if (ex instanceof InvalidFileException) {
			return String.valueOf(ex.getMessage());
		}
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
	}

	/**
	 * Instances read from the file.
	 *
	 * @param instances the instances, each of them valid
	 * @param writtenAt when the file was written
	 */
	record LastKnownInstances(List<DiscoveredInstance> instances, Instant writtenAt) {

	}

	/**
	 * A file that is not a usable file of last-known instances.
	 */
	private static final class InvalidFileException extends RuntimeException {

		InvalidFileException(String message) {
			super(message);
		}

	}

}
