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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.InstanceLifecycle;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Node.js program on npm's {@code etcd3} package ({@code interop/node/registry.js})
 * against a real etcd and a Spring application: Node reads what this library writes
 * (etcd's naming format, the record in {@code Instance}, parked instances out of the
 * prefix Node watches for a service), and this library reads what a Node service writes
 * and drops it when its lease is revoked.
 *
 * @author etcd-discovery authors
 */
class NodeInteropIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<InteropProcess> programs = new ArrayList<>();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.programs.forEach(InteropProcess::close);
	}

	@Test
	void nodeReadsWhatSpringWritesAndLosesSightOfInstancesThatAreNotUp() {
		InteropProcess node = start("watch", etcd.endpoint(), "/services/default/orders/");
		node.awaitLine("watching ", TIMEOUT);
		ConfigurableApplicationContext orders = application("orders", "discovery.instance-id=orders-1",
				"discovery.host=127.0.0.1", "discovery.port=8081", "discovery.metadata.zone=eu-1");
		String key = "/services/default/orders/orders-1";
		JsonNode seen = json.readTree(node.awaitLine("put {\"key\":\"" + key + "\"", TIMEOUT).substring(4));
		assertThat(seen.get("op").asInt()).isZero();
		assertThat(seen.get("addr").asString()).isEqualTo("127.0.0.1:8081");
		assertThat(seen.get("metadata").isNull()).as("Metadata is null").isTrue();
		assertThat(seen.get("status").asString()).isEqualTo("UP");
		assertThat(seen.get("service").asString()).isEqualTo("orders");

		// Not UP: parked under ~parked/, out of the prefix a Node client of the service
		// watches.
		orders.getBean(InstanceLifecycle.class).getRegistrar().setStatus(InstanceStatus.OUT_OF_SERVICE);
		node.awaitLine("delete {\"key\":\"" + key + "\"}", TIMEOUT);
		orders.getBean(InstanceLifecycle.class).getRegistrar().setStatus(InstanceStatus.UP);
		await().atMost(TIMEOUT)
			.until(() -> node.lines().stream().filter((line) -> line.startsWith("put ")).count() == 2);
		assertThat(json.readTree(node.lastLine("put ").substring(4)).get("addr").asString())
			.isEqualTo("127.0.0.1:8081");

		// Deregistered: the key goes.
		orders.close();
		await().atMost(TIMEOUT)
			.until(() -> node.lines().stream().filter((line) -> line.startsWith("delete ")).count() == 2);
	}

	@Test
	void springFindsWhatNodeServicesWriteAndDropsThemWhenTheirLeaseIsRevoked() {
		// A Node service leaves by revoking its lease, which a consumer cannot tell from
		// an expiry: the protection against mass removal would hold the last one.
		ConfigurableApplicationContext caller = application("caller", "discovery.register=false",
				"discovery.client.protection.enabled=false");
		ServiceCache cache = caller.getBean(ServiceCache.class);
		// JSON.stringify of the objects a Node service builds: etcd's naming format with
		// Metadata an object of JavaScript values (numbers, arrays, nested objects), and
		// with Metadata left out.
		InteropProcess first = register("/services/default/billing/node-1",
				"{\"Op\":0,\"Addr\":\"127.0.0.1:9101\",\"Metadata\":{\"version\":\"2\",\"weight\":5,"
						+ "\"tags\":[\"a\",\"b\"],\"labels\":{\"team\":\"pay\"},\"canary\":false}}");
		InteropProcess second = register("/services/default/billing/node-2", "{\"Op\":0,\"Addr\":\"127.0.0.1:9102\"}");
		await().atMost(TIMEOUT).until(() -> cache.upInstances("billing").size() == 2);
		assertThat(cache.instances("billing"))
			.extracting(DiscoveredInstance::instanceId, DiscoveredInstance::address, DiscoveredInstance::status)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("node-1", "127.0.0.1:9101", InstanceStatus.UP),
					org.assertj.core.groups.Tuple.tuple("node-2", "127.0.0.1:9102", InstanceStatus.UP));
		Map<String, String> metadata = cache.instances("billing").get(0).metadata();
		assertThat(metadata).containsEntry("version", "2")
			.containsEntry("weight", "5")
			.containsEntry("canary", "false")
			.doesNotContainKeys("tags", "labels");
		assertThat(cache.stats().valuesSkipped()).isZero();

		// The Node service stops: it revokes its lease, and its key goes with it.
		first.close();
		assertThat(first.lastLine("revoked ")).isEqualTo("revoked /services/default/billing/node-1");
		await().atMost(TIMEOUT).until(() -> cache.instances("billing").size() == 1);
		assertThat(cache.instances("billing").get(0).instanceId()).isEqualTo("node-2");
		second.close();
		await().atMost(TIMEOUT).until(() -> cache.instances("billing").isEmpty());
	}

	private InteropProcess register(String key, String value) {
		InteropProcess node = start("register", etcd.endpoint(), key, "10", value);
		node.awaitLine("registered " + key + " ", TIMEOUT);
		return node;
	}

	private InteropProcess start(String... arguments) {
		InteropProcess node = NodePrograms.registry(arguments);
		this.programs.add(node);
		return node;
	}

	private ConfigurableApplicationContext application(String name, String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=" + name, "discovery.etcd.endpoints=" + etcd.endpoint(),
					"discovery.shutdown.drain-delay=0s", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
