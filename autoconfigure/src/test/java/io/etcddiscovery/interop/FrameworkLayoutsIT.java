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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.StatusPublisher;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring service on one etcd with services of Kitex, Hertz, go-micro, Kratos, go-zero,
 * go-kit and hand-written clientv3 code: their keys, written here exactly as each
 * framework's registrar writes them (the source file and tag are named at each value),
 * are listed by Spring's discovery, and this application's instance is published in each
 * of their layouts while it is UP, on its lease, and nowhere once it is not.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class FrameworkLayoutsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String OWN_KEY = "/services/default/orders/orders-1";

	// kitex-contrib/registry-etcd v0.2.6, etcd_registry.go: Register puts
	// serviceKey(info.ServiceName, info.Addr.String()) =
	// "kitex/registry-etcd/<svc>/<addr>"
	// with json.Marshal(instanceInfo{Network, Address, Weight, Tags}) (common.go).
	private static final String KITEX_KEY = "kitex/registry-etcd/echo/127.0.0.1:8888";

	private static final String KITEX_VALUE = "{\"network\":\"tcp\",\"address\":\"127.0.0.1:8888\",\"weight\":10,"
			+ "\"tags\":{\"idc\":\"hl\"}}";

	// hertz-contrib/registry, etcd/common.go and etcd/registry.go (commit 2ccdb03,
	// untagged
	// module): the same instanceInfo under "hertz/registry-etcd/<svc>/<addr>"; Tags is
	// nil when none are given.
	private static final String HERTZ_KEY = "hertz/registry-etcd/hello/127.0.0.1:8889";

	private static final String HERTZ_VALUE = "{\"network\":\"tcp\",\"address\":\"127.0.0.1:8889\",\"weight\":10,"
			+ "\"tags\":null}";

	// go-micro v5.30.0, registry/etcd/etcd.go: registerNode puts nodePath(s.Name,
	// node.Id)
	// = path.Join("/micro/registry", name, id) with encode(&registry.Service{Name,
	// Version, Metadata, Endpoints, Nodes: []*registry.Node{node}}) (registry/registry.go
	// json tags), the node metadata as the server fills it.
	private static final String GO_MICRO_KEY = "/micro/registry/greeter/greeter-5d1a7b06";

	private static final String GO_MICRO_VALUE = "{\"name\":\"greeter\",\"version\":\"latest\",\"metadata\":null,"
			+ "\"endpoints\":[{\"name\":\"Greeter.Hello\",\"request\":{\"name\":\"Request\",\"type\":\"Request\","
			+ "\"values\":null},\"response\":{\"name\":\"Response\",\"type\":\"Response\",\"values\":null},"
			+ "\"metadata\":{}}],\"nodes\":[{\"id\":\"greeter-5d1a7b06\",\"address\":\"127.0.0.1:9090\","
			+ "\"metadata\":{\"broker\":\"http\",\"protocol\":\"mucp\",\"registry\":\"etcd\",\"server\":\"mucp\","
			+ "\"transport\":\"http\",\"zone\":\"eu-1\"}}]}";

	// Kratos v2.9.2, contrib/registry/etcd/registry.go: Register puts
	// fmt.Sprintf("%s/%s/%s", namespace, service.Name, service.ID) (namespace
	// "/microservices") with marshal(service) (service.go) of registry.ServiceInstance
	// {ID, Name, Version, Metadata, Endpoints}.
	private static final String KRATOS_KEY = "/microservices/helloworld/kratos-1";

	private static final String KRATOS_VALUE = "{\"id\":\"kratos-1\",\"name\":\"helloworld\",\"version\":\"v1\","
			+ "\"metadata\":{\"region\":\"eu\"},\"endpoints\":[\"grpc://127.0.0.1:9000\",\"http://127.0.0.1:8000\"]}";

	// A sibling whose value Kratos' own reader cannot decode (a number in metadata).
	private static final String KRATOS_BAD_KEY = "/microservices/helloworld-eu/kratos-2";

	private static final String KRATOS_BAD_VALUE = "{\"id\":\"kratos-2\",\"name\":\"helloworld-eu\","
			+ "\"metadata\":{\"n\":1},\"endpoints\":[\"http://127.0.0.1:8001\"]}";

	// go-zero v1.10.3, core/discov/publisher.go: register puts makeEtcdKey(key, lease) =
	// key + "/" + the decimal lease id, with the value as given: zrpc gives host:port.
	private static final String GO_ZERO_KEY = "gz.rpc/7587886612212637704";

	// go-kit v0.13.0, sd/etcdv3/registrar.go: Register puts the Service's Key and Value
	// on a lease; example_test.go registers prefix + instance => instance.
	private static final String GO_KIT_KEY = "/gokit/gk-svc/127.0.0.1:8082";

	// Hand-written clientv3 code as the design material shows: cli.Put(ctx,
	// "/services/user-svc/1", "127.0.0.1:8080", clientv3.WithLease(id)).
	private static final String PLAIN_KEY = "/services/user-svc/1";

	private static final String PLAIN_BAD_KEY = "/services/user-svc/2";

	// Dubbo's application-level discovery under the same root: another tree, ignored.
	private static final String DUBBO_KEY = "/services/dubbo-app/10.0.0.1:20880";

	private static ConfigurableApplicationContext context;

	private static Client client;

	private static long goLease;

	private static String base;

	@BeforeAll
	static void start() throws Exception {
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
		goLease = client.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID();
		put(KITEX_KEY, KITEX_VALUE);
		put(HERTZ_KEY, HERTZ_VALUE);
		put(GO_MICRO_KEY, GO_MICRO_VALUE);
		put(KRATOS_KEY, KRATOS_VALUE);
		put(KRATOS_BAD_KEY, KRATOS_BAD_VALUE);
		put(GO_ZERO_KEY, "127.0.0.1:8081");
		put(PLAIN_KEY, "127.0.0.1:8080");
		put(PLAIN_BAD_KEY, "not an address");
		put(DUBBO_KEY, "{\"name\":\"dubbo-app\",\"address\":\"10.0.0.1\",\"port\":20880}");
		context = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=orders", "discovery.instance-id=orders-1", "server.port=0",
					"server.address=127.0.0.1", "discovery.host=127.0.0.1", "discovery.metadata.zone=eu-1",
					"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()), "discovery.ttl=30s",
					"discovery.shutdown.drain-delay=0s",
					"discovery.layouts.read=kitex,hertz,go-micro,kratos,go-zero,go-kit,plain",
					"discovery.layouts.publish=kitex,hertz,go-micro,kratos,go-zero,go-kit,plain",
					"discovery.layouts.go-zero.keys.gz-svc=gz.rpc", "discovery.layouts.go-zero.keys.orders=orders.rpc",
					"discovery.layouts.go-kit.keys.gk-svc=/gokit/gk-svc/",
					"discovery.layouts.go-kit.keys.orders=/gokit/orders/",
					"management.endpoints.web.exposure.include=discovery", "spring.main.banner-mode=off")
			.run();
		base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
		// Written after the listing: reaches the cache through the watch.
		put(GO_KIT_KEY, "127.0.0.1:8082");
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		client.close();
	}

	@Test
	void listsTheServicesOfEveryLayoutUnderTheNamesTheirLayoutsGive() {
		DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(address(discovery.getInstances("echo"))).containsExactly("127.0.0.1:8888");
			assertThat(address(discovery.getInstances("hello"))).containsExactly("127.0.0.1:8889");
			assertThat(address(discovery.getInstances("greeter"))).containsExactly("127.0.0.1:9090");
			// HTTP clients call Kratos' http endpoint.
			assertThat(address(discovery.getInstances("helloworld"))).containsExactly("127.0.0.1:8000");
			assertThat(address(discovery.getInstances("gz-svc"))).containsExactly("127.0.0.1:8081");
			assertThat(address(discovery.getInstances("gk-svc"))).containsExactly("127.0.0.1:8082");
			assertThat(address(discovery.getInstances("user-svc"))).containsExactly("127.0.0.1:8080");
		});
		assertThat(discovery.getInstances("echo").get(0).getMetadata()).containsEntry("weight", "10")
			.containsEntry("idc", "hl");
		assertThat(discovery.getInstances("greeter").get(0).getMetadata()).containsEntry("zone", "eu-1")
			.containsEntry("version", "latest");
		assertThat(discovery.getInstances("helloworld").get(0).getMetadata()).containsEntry("region", "eu")
			.containsEntry("version", "v1");
		// gRPC's discovery:/// resolver calls Kratos' grpc endpoint.
		DiscoveredInstance kratos = context.getBean(EtcdDiscoveryClient.class).instances("helloworld").get(0);
		assertThat(kratos.grpcAddress()).isEqualTo(new HostAndPort("127.0.0.1", 9000));
	}

	@Test
	void skipsBadValuesOneByOneAndOtherTreesWithoutNoise(CapturedOutput output) throws Exception {
		DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
		// Written again while this test captures the log, then a good value after them:
		// once it is listed, the watch has passed the others.
		put(PLAIN_BAD_KEY, "still not an address");
		put(KRATOS_BAD_KEY, KRATOS_BAD_VALUE.replace("kratos-2", "kratos-3"));
		put(DUBBO_KEY, "{\"name\":\"dubbo-app\",\"address\":\"10.0.0.1\",\"port\":20881}");
		put("/services/sentinel/1", "127.0.0.1:8083");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(
					() -> assertThat(address(discovery.getInstances("sentinel"))).containsExactly("127.0.0.1:8083"));
		assertThat(address(discovery.getInstances("user-svc"))).containsExactly("127.0.0.1:8080");
		assertThat(discovery.getInstances("helloworld-eu")).isEmpty();
		assertThat(discovery.getInstances("helloworld")).hasSize(1);
		assertThat(discovery.getInstances("dubbo-app")).isEmpty();
		assertThat(output).doesNotContain(PLAIN_BAD_KEY).doesNotContain(KRATOS_BAD_KEY).doesNotContain(DUBBO_KEY);
	}

	@Test
	void endpointNamesTheLayoutOfEachInstance() throws Exception {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode services = json.readTree(get("/actuator/discovery")).path("discovery").path("services");
			Map<String, String> layouts = new HashMap<>();
			services.properties()
				.forEach((service) -> service.getValue()
					.forEach((instance) -> layouts.put(service.getKey() + "@" + instance.get("address").asString(),
							instance.get("layout").asString())));
			assertThat(layouts).containsEntry("echo@127.0.0.1:8888", "kitex")
				.containsEntry("hello@127.0.0.1:8889", "hertz")
				.containsEntry("greeter@127.0.0.1:9090", "go-micro")
				.containsEntry("helloworld@127.0.0.1:8000", "kratos")
				.containsEntry("gz-svc@127.0.0.1:8081", "go-zero")
				.containsEntry("gk-svc@127.0.0.1:8082", "go-kit")
				.containsEntry("user-svc@127.0.0.1:8080", "plain");
			assertThat(services.path("helloworld").path(0).path("grpcAddress").asString()).isEqualTo("127.0.0.1:9000");
			// Published in every layout and read back: listed once, as this library's
			// own.
			assertThat(services.get("orders")).hasSize(1);
			assertThat(services.path("orders").path(0).path("layout").asString()).isEqualTo("etcd-discovery");
		});
	}

	@Test
	void publishesThisInstanceInEveryLayoutOnItsLeaseWhileItIsUp() throws Exception {
		await().atMost(Duration.ofSeconds(20)).until(() -> read(OWN_KEY) != null);
		KeyValue own = read(OWN_KEY);
		long lease = own.getLease();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertPublished(lease));
		StatusPublisher status = context.getBean(StatusPublisher.class);
		status.setOverride(InstanceStatus.OUT_OF_SERVICE);
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published()).isEmpty());
			assertThat(read(OWN_KEY)).isNull();
		}
		finally {
			status.setOverride(null);
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertPublished(lease));
		// Healed: the instance key deleted by hand comes back, and its layouts with it.
		client.getKVClient().delete(bytes(OWN_KEY)).get(10, TimeUnit.SECONDS);
		client.getKVClient().delete(bytes("/services/orders/orders-1")).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			KeyValue healed = read(OWN_KEY);
			assertThat(healed).as("the instance key, healed").isNotNull();
			assertPublished(healed.getLease());
		});
	}

	@Test
	void withdrawsEveryLayoutWithTheInstanceOnStop() throws Exception {
		String billing = "/services/billing/billing-1";
		try (ConfigurableApplicationContext other = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=billing", "discovery.instance-id=billing-1", "discovery.port=9191",
					"discovery.host=127.0.0.1", "discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()),
					"discovery.ttl=30s", "discovery.shutdown.drain-delay=0s", "discovery.layouts.publish=plain,kitex",
					"spring.main.banner-mode=off")
			.run()) {
			await().atMost(Duration.ofSeconds(20)).until(() -> read(billing) != null);
			assertThat(read(billing).getValue().toString()).isEqualTo("127.0.0.1:9191");
			assertThat(read("kitex/registry-etcd/billing/127.0.0.1:9191")).isNotNull();
			assertThat(read("/micro/registry/billing/billing-1")).isNull();
		}
		assertThat(read(billing)).isNull();
		assertThat(read("kitex/registry-etcd/billing/127.0.0.1:9191")).isNull();
	}

	private static void assertPublished(long lease) throws Exception {
		Map<String, KeyValue> published = published();
		assertThat(published.keySet()).containsExactlyInAnyOrder("kitex/registry-etcd/orders/127.0.0.1:" + port(),
				"hertz/registry-etcd/orders/127.0.0.1:" + port(), "/micro/registry/orders/orders-1",
				"/microservices/orders/orders-1", "orders.rpc/" + lease, "/gokit/orders/orders-1",
				"/services/orders/orders-1");
		published.values().forEach((kv) -> assertThat(kv.getLease()).isEqualTo(lease));
		// Written in the transaction that wrote the instance key.
		KeyValue own = read(OWN_KEY);
		assertThat(own).isNotNull();
		published.values().forEach((kv) -> assertThat(kv.getModRevision()).isEqualTo(own.getModRevision()));
		JsonNode kitex = json
			.readTree(published.get("kitex/registry-etcd/orders/127.0.0.1:" + port()).getValue().getBytes());
		assertThat(kitex.get("network").asString()).isEqualTo("tcp");
		assertThat(kitex.get("address").asString()).isEqualTo("127.0.0.1:" + port());
		assertThat(kitex.get("weight").isIntegralNumber()).isTrue();
		assertThat(kitex.get("tags").get("zone").asString()).isEqualTo("eu-1");
		JsonNode micro = json.readTree(published.get("/micro/registry/orders/orders-1").getValue().getBytes());
		assertThat(micro.get("name").asString()).isEqualTo("orders");
		assertThat(micro.get("nodes")).hasSize(1);
		assertThat(micro.get("nodes").get(0).get("address").asString()).isEqualTo("127.0.0.1:" + port());
		JsonNode kratos = json.readTree(published.get("/microservices/orders/orders-1").getValue().getBytes());
		assertThat(kratos.get("endpoints").get(0).asString()).isEqualTo("http://127.0.0.1:" + port());
		assertThat(kratos.get("metadata").get("zone").isString()).isTrue();
		assertThat(published.get("orders.rpc/" + lease).getValue().toString()).isEqualTo("127.0.0.1:" + port());
		assertThat(published.get("/gokit/orders/orders-1").getValue().toString()).isEqualTo("127.0.0.1:" + port());
		assertThat(published.get("/services/orders/orders-1").getValue().toString()).isEqualTo("127.0.0.1:" + port());
	}

	// Every key of this application's in the other layouts.
	private static Map<String, KeyValue> published() throws Exception {
		Map<String, KeyValue> found = new HashMap<>();
		for (String prefix : List.of("kitex/registry-etcd/orders/", "hertz/registry-etcd/orders/",
				"/micro/registry/orders/", "/microservices/orders/", "orders.rpc/", "/gokit/orders/",
				"/services/orders/")) {
			for (KeyValue kv : client.getKVClient()
				.get(bytes(prefix), GetOption.builder().isPrefix(true).build())
				.get(10, TimeUnit.SECONDS)
				.getKvs()) {
				found.put(kv.getKey().toString(), kv);
			}
		}
		return found;
	}

	private static int port() {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static List<String> address(List<ServiceInstance> instances) {
		List<String> addresses = new ArrayList<>();
		instances.forEach((instance) -> addresses.add(instance.getHost() + ":" + instance.getPort()));
		return addresses;
	}

	private static KeyValue read(String key) throws Exception {
		List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	private static void put(String key, String value) throws Exception {
		client.getKVClient()
			.put(bytes(key), bytes(value), PutOption.builder().withLeaseId(goLease).build())
			.get(10, TimeUnit.SECONDS);
	}

	private static String get(String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
		return response.body();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
