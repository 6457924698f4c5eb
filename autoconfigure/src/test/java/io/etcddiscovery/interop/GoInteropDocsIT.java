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

package io.etcddiscovery.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Go programs of {@code docs/go-interop.md}, copied from the page as they are, build
 * against Debian's Go sources and work with this library: the client calls Spring
 * instances under {@code round_robin}, the service is found by Spring with its metadata
 * and leaves when it is stopped.
 *
 * @author etcd-discovery authors
 */
class GoInteropDocsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Fleet.TIMEOUT;

	private static final Pattern GO_BLOCK = Pattern.compile("```go\n(.*?)```", Pattern.DOTALL);

	private static Path programs;

	private static Client client;

	@BeforeAll
	static void buildTheDocsPrograms() throws IOException {
		Path doc = GoPrograms.repository().resolve("docs/go-interop.md");
		Matcher blocks = GO_BLOCK.matcher(Files.readString(doc));
		Path gopath = Path.of("target/go-interop/docs").toAbsolutePath();
		List<String> packages = new ArrayList<>();
		while (blocks.find()) {
			String source = blocks.group(1);
			String name = source.contains("naming/resolver") ? "docclient"
					: source.contains("naming/endpoints") ? "docservice" : "docsnippet" + packages.size();
			Path dir = Files.createDirectories(gopath.resolve("src").resolve(name));
			Files.writeString(dir.resolve("main.go"), source);
			packages.add(name);
		}
		assertThat(packages).as("the Go programs of " + doc).containsExactly("docclient", "docservice");
		assertThat(GoPrograms.unformatted(GoStack.DEBIAN_12, gopath)).as("Go programs that gofmt would change")
			.isEmpty();
		programs = GoPrograms.build(GoStack.DEBIAN_12, gopath, packages, "docs");
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
	}

	@AfterAll
	static void disconnect() {
		if (client != null) {
			client.close();
		}
	}

	@Test
	void theClientCallsSpringInstancesUnderRoundRobin() {
		List<HealthServer> servers = List.of(HealthServer.start(), HealthServer.start());
		try (Fleet fleet = new Fleet(client, etcd.endpoint())) {
			fleet.register("orders-1", servers.get(0), InstanceStatus.UP);
			fleet.register("orders-2", servers.get(1), InstanceStatus.UP);
			InteropProcess go = fleet.start(programs.resolve("docclient"), "-etcd", etcd.endpoint());
			assertThat(go.awaitExit(TIMEOUT)).as(go.stderr()).isZero();
			assertThat(go.lines()).hasSize(10)
				.containsOnly("answered by " + servers.get(0).address(), "answered by " + servers.get(1).address())
				.contains("answered by " + servers.get(0).address(), "answered by " + servers.get(1).address());
		}
		finally {
			servers.forEach(HealthServer::close);
		}
	}

	@Test
	void theServiceIsFoundBySpringWithItsMetadataAndLeavesWhenStopped() throws Exception {
		int port = freePort();
		try (ServiceCache cache = Fleet.cache(client);
				InteropProcess go = InteropProcess.start(programs.resolve("docservice"), "-etcd", etcd.endpoint(),
						"-addr", "127.0.0.1:" + port)) {
			go.awaitLine("registered /services/default/orders/orders-go-1", TIMEOUT);
			await().atMost(TIMEOUT).until(() -> cache.upInstances("orders").size() == 1);
			DiscoveredInstance instance = cache.upInstances("orders").get(0);
			assertThat(instance.instanceId()).isEqualTo("orders-go-1");
			assertThat(instance.uri()).hasToString("http://127.0.0.1:" + port);
			assertThat(instance.metadata()).containsExactly(Map.entry("zone", "eu-1"));
			go.terminate();
			await().atMost(TIMEOUT).until(() -> cache.instances("orders").isEmpty());
			assertThat(go.awaitExit(TIMEOUT)).as(go.stderr()).isZero();
			assertThat(go.lines()).contains("deregistered /services/default/orders/orders-go-1");
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
