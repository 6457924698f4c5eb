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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcddiscovery.test.EtcdExtension;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring service and a service of each Go framework that keeps its registry in etcd
 * ({@code discovery.layouts}) find each other on one etcd, judged by Go: what Spring
 * publishes is read by go-kit's own {@code sd/etcdv3} instancer, by a hand-written
 * {@code clientv3} watcher of {@code /services/<svc>/} ({@code plain}) and, for Kitex,
 * Hertz, go-micro, Kratos and go-zero, whose registries Debian does not package, by Go's
 * {@code encoding/json} with the struct shapes and tags those frameworks declare
 * ({@code interop35/decodedview}); each sees the Spring instance while it is {@code UP},
 * drops it when it goes out of service, when its lease is revoked behind its back and
 * when it stops, and takes it back when it heals. The other way, Spring lists and calls
 * by name a go-kit service registered by go-kit's own registrar, a {@code plain} Go
 * service ({@code Put} with a lease and {@code KeepAlive}), and services written under
 * the Kitex, go-micro, Kratos and go-zero prefixes as their registrars write them. All on
 * Debian trixie's Go stack ({@link GoStack#TRIXIE}: Go 1.24, etcd client 3.5.16, go-kit
 * 0.13).
 *
 * @author etcd-discovery authors
 */
class GoLayoutsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	// Where decodedview watches what Spring publishes, per layout; go-zero's key is the
	// one configured for the service.
	private static final Map<String, String> VIEWED = viewed();

	private static final String GO_KIT_PREFIX = "/gokit/springsvc/";

	private static final String PLAIN_PREFIX = "/services/springsvc/";

	private static final HttpClient http = HttpClient.newHttpClient();

	private static Client client;

	private final List<InteropProcess> programs = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void build() {
		GoStack.TRIXIE.binary("decodedview");
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
	}

	@AfterAll
	static void closeClient() {
		client.close();
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void stopPrograms() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.programs.forEach(InteropProcess::close);
	}

	@Test
	void everyFrameworksResolverSeesTheSpringInstanceWhileItIsUpAndTakesItBackWhenItHeals() throws Exception {
		InteropProcess view = decodedView(VIEWED);
		InteropProcess goKit = go("gokitinstancer", "-prefix", GO_KIT_PREFIX);
		InteropProcess plain = go("plainclient", "-prefix", PLAIN_PREFIX, "-call");
		goKit.awaitLine("{", TIMEOUT);
		plain.awaitLine("{", TIMEOUT);
		ConfigurableApplicationContext spring = new SpringApplicationBuilder(ServiceApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("spring.application.name=springsvc", "server.port=0", "server.address=127.0.0.1",
					"discovery.host=127.0.0.1", "discovery.etcd.endpoints=" + etcd.endpoint(), "discovery.ttl=10s",
					"discovery.shutdown.drain-delay=0s",
					"discovery.layouts.publish=kitex,hertz,go-micro,kratos,go-zero,go-kit,plain",
					"discovery.layouts.go-zero.keys.springsvc=springsvc.rpc",
					"discovery.layouts.go-kit.keys.springsvc=" + GO_KIT_PREFIX,
					"management.endpoints.web.exposure.include=discovery", "spring.main.banner-mode=off")
			.run();
		try {
			int port = ((WebServerApplicationContext) spring).getWebServer().getPort();
			String address = "127.0.0.1:" + port;
			String actuator = "http://" + address + "/actuator/discovery";
			awaitSeenByEveryResolver(view, goKit, plain, address);
			// The plain client called the address it took from etcd: the Spring service.
			await().atMost(TIMEOUT).until(() -> calledOk(plain, address));

			assertThat(post(actuator, "{\"status\":\"OUT_OF_SERVICE\"}")).isEqualTo(200);
			awaitGoneFromEveryResolver(view, goKit, plain);
			assertThat(post(actuator, "{\"status\":\"UP\"}")).isEqualTo(200);
			awaitSeenByEveryResolver(view, goKit, plain, address);

			// The lease is revoked behind its back: every key of every layout goes with
			// it, and comes back when the instance heals, on its new lease.
			int viewMark = view.lines().size();
			int plainMark = plain.lines().size();
			client.getLeaseClient().revoke(springLease()).get();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				view.assertAlive();
				assertThat(events(view, viewMark).stream()
					.filter((event) -> event.get("event").asString().equals("delete"))
					.map((event) -> event.get("layout").asString())
					.collect(Collectors.toSet())).as("layouts whose key was deleted").isEqualTo(VIEWED.keySet());
				assertThat(plain.lines().subList(plainMark, plain.lines().size())).contains("{\"addresses\":[]}");
			});
			awaitSeenByEveryResolver(view, goKit, plain, address);
			// go-zero's key is "<key>/<int64 id>" (core/discov/publisher.go,
			// makeEtcdKey).
			assertThat(viewedKeys(view).get("go-zero")).matches("springsvc\\.rpc/-?[0-9]+");
		}
		finally {
			spring.close();
		}
		awaitGoneFromEveryResolver(view, goKit, plain);
	}

	@Test
	void springListsAndCallsEachFrameworksServiceByNameUntilItLeaves() throws Exception {
		InteropProcess view = decodedView(Map.of("kitex", "kitex/registry-etcd/", "go-micro", "/micro/registry/",
				"kratos", "/microservices/", "go-zero", "zerosvc.rpc/"));
		// go-kit's registrar writes the value it is given: host:port, or a URL as
		// go-kit's documentation shows.
		InteropProcess kit = go("gokitregistrar", "-prefix", "/gokit/kitsvc/", "-id", "kit-1");
		InteropProcess kitUrl = go("gokitregistrar", "-prefix", "/gokit/kitsvc/", "-id", "kit-2", "-format", "url");
		InteropProcess plain = go("goservice", "-target", "/services/plainsvc", "-id", "plain-1", "-format", "plain");
		// A Go server for the services written below as each framework's registrar writes
		// them (it answers "GET /" with its id and serves gRPC on the same port).
		InteropProcess backend = go("goservice", "-target", "/elsewhere/backend", "-id", "written", "-format", "plain");
		String backendAddress = registeredAddress(backend);
		// One lease for the keys written below, kept alive as those registrars keep
		// theirs.
		long lease = client.getLeaseClient().grant(10).get().getID();
		CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {

			@Override
			public void onNext(LeaseKeepAliveResponse response) {
			}

			@Override
			public void onError(Throwable error) {
			}

			@Override
			public void onCompleted() {
			}

		});
		this.closeables.add(keepAlive);
		Map<String, String> written = new LinkedHashMap<>();
		// kitex-contrib/registry-etcd etcd_registry.go (Register): key
		// serviceKey(prefix, name, addr) = "kitex/registry-etcd/<svc>/<host:port>",
		// value json.Marshal(&instanceInfo{...}), instanceInfo in common.go.
		written.put("kitex/registry-etcd/kitexsvc/" + backendAddress, "{\"network\":\"tcp\",\"address\":\""
				+ backendAddress + "\",\"weight\":10,\"tags\":{\"cluster\":\"eu\"}}");
		// go-micro registry/etcd/etcd.go (Register): nodePath(name, node id) =
		// "/micro/registry/<svc>/<node id>", value encode(service) with that one node,
		// registry.Service and registry.Node in registry/registry.go.
		written.put("/micro/registry/microsvc/microsvc-1",
				"{\"name\":\"microsvc\",\"version\":\"latest\",\"metadata\":null,\"endpoints\":null,\"nodes\":"
						+ "[{\"metadata\":{\"protocol\":\"http\"},\"id\":\"microsvc-1\",\"address\":\"" + backendAddress
						+ "\"}]}");
		// Kratos contrib/registry/etcd/registry.go (registerKey):
		// "/microservices/<name>/<id>", value marshal(service) in service.go,
		// registry.ServiceInstance in
		// registry/registry.go; a gRPC endpoint first and an HTTP one on another port, as
		// a Kratos app serving both: an HTTP caller must take the http one.
		written.put("/microservices/kratossvc/kratos-1",
				"{\"id\":\"kratos-1\",\"name\":\"kratossvc\",\"version\":\"v1.0.0\",\"metadata\":{\"region\":\"eu\"},"
						+ "\"endpoints\":[\"grpc://" + registeredAddress(plain) + "\",\"http://" + backendAddress
						+ "\"]}");
		// go-zero core/discov/publisher.go (register): makeEtcdKey(key, lease id) =
		// "<key>/<lease id>", the value as given: "host:port".
		written.put("zerosvc.rpc/" + lease, backendAddress);
		// Values those frameworks would mis-read, beside them: an etcd naming value under
		// Kitex' prefix (Kitex makes an instance with an empty address of it) and a
		// Kratos
		// value with a number in its metadata (Kratos fails the whole service on it).
		// Spring skips each of them, and only them.
		Map<String, String> traps = new LinkedHashMap<>();
		traps.put("kitex/registry-etcd/kitexsvc/127.0.0.1:1", "{\"Op\":0,\"Addr\":\"127.0.0.1:1\",\"Metadata\":null}");
		traps.put("/microservices/kratossvc/kratos-bad", "{\"id\":\"kratos-bad\",\"name\":\"kratossvc\","
				+ "\"metadata\":{\"weight\":5},\"endpoints\":[\"http://127.0.0.1:1\"]}");
		Map<String, String> all = new LinkedHashMap<>(written);
		all.putAll(traps);
		for (Map.Entry<String, String> entry : all.entrySet()) {
			client.getKVClient()
				.put(bytes(entry.getKey()), bytes(entry.getValue()), PutOption.builder().withLeaseId(lease).build())
				.get();
		}
		// What the test wrote is what those frameworks decode, and the traps are not.
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(state(view).keySet()).containsAll(all.keySet()));
		Map<String, JsonNode> decoded = state(view);
		written.keySet()
			.forEach((key) -> assertThat(decoded.get(key).get("ok").asBoolean()).as(decoded.get(key).toString())
				.isTrue());
		assertThat(decoded.get("kitex/registry-etcd/kitexsvc/127.0.0.1:1").get("error").asString())
			.startsWith("empty address");
		assertThat(decoded.get("/microservices/kratossvc/kratos-bad").get("error").asString())
			.startsWith("json: cannot unmarshal number");

		try (ConfigurableApplicationContext caller = new SpringApplicationBuilder(CallerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("spring.application.name=caller", "discovery.register=false", "server.port=0",
					"server.address=127.0.0.1", "management.endpoints.web.exposure.include=discovery",
					"discovery.etcd.endpoints=" + etcd.endpoint(),
					"discovery.layouts.read=kitex,go-micro,kratos,go-zero,go-kit,plain",
					"discovery.layouts.go-zero.keys.zerosvc=zerosvc.rpc",
					"discovery.layouts.go-kit.keys.kitsvc=/gokit/kitsvc/", "spring.main.banner-mode=off")
			.run()) {
			DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);
			RestClient restClient = caller.getBean(RestClient.Builder.class).build();
			Map<String, List<String>> expected = Map.of("kitsvc",
					List.of(registeredAddress(kit), registeredAddress(kitUrl)), "plainsvc",
					List.of(registeredAddress(plain)), "kitexsvc", List.of(backendAddress), "microsvc",
					List.of(backendAddress), "kratossvc", List.of(backendAddress), "zerosvc", List.of(backendAddress));
			String actuator = "http://127.0.0.1:" + ((WebServerApplicationContext) caller).getWebServer().getPort()
					+ "/actuator/discovery";
			// Every service at once, and what the caller's cache holds (skipped values
			// with their reason) when one is missing.
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(addressesByService(discovery, expected.keySet()))
					.as(() -> "the caller's /actuator/discovery: " + getQuietly(actuator))
					.isEqualTo(sorted(expected)));
			assertThat(discovery.getServices()).containsAll(expected.keySet());
			// /actuator/discovery names the layout each instance was read from.
			Map<String, String> layouts = Map.of("kitsvc", "go-kit", "plainsvc", "plain", "kitexsvc", "kitex",
					"microsvc", "go-micro", "kratossvc", "kratos", "zerosvc", "go-zero");
			for (Map.Entry<String, String> layout : layouts.entrySet()) {
				List<String> seen = new ArrayList<>();
				json.readTree(get(actuator + "/" + layout.getKey()))
					.get("instances")
					.forEach((instance) -> seen.add(instance.get("layout").asString()));
				assertThat(seen).as(layout.getKey())
					.hasSameSizeAs(expected.get(layout.getKey()))
					.containsOnly(layout.getValue());
			}
			Map<String, Set<String>> answers = Map.of("kitsvc", Set.of("kit-1", "kit-2"), "plainsvc", Set.of("plain-1"),
					"kitexsvc", Set.of("written"), "microsvc", Set.of("written"), "kratossvc", Set.of("written"),
					"zerosvc", Set.of("written"));
			answers.forEach((service, ids) -> {
				Set<String> answered = new HashSet<>();
				for (int i = 0; i < 10; i++) {
					answered.add(restClient.get().uri("http://" + service + "/").retrieve().body(String.class));
				}
				assertThat(answered).as(service).isEqualTo(ids);
			});

			kit.send("deregister");
			kit.awaitLine("deregistered", TIMEOUT);
			kitUrl.send("deregister");
			kitUrl.awaitLine("deregistered", TIMEOUT);
			plain.send("deregister");
			plain.awaitLine("deregistered", TIMEOUT);
			keepAlive.close();
			client.getLeaseClient().revoke(lease).get();
			await().atMost(TIMEOUT)
				.untilAsserted(() -> expected.keySet()
					.forEach((service) -> assertThat(discovery.getInstances(service)).as(service)
						.extracting(ServiceInstance::getInstanceId)
						.isEmpty()));
		}
	}

	private static Map<String, List<String>> addressesByService(DiscoveryClient discovery, Set<String> services) {
		Map<String, List<String>> addresses = new LinkedHashMap<>();
		for (String service : services) {
			addresses.put(service,
					discovery.getInstances(service)
						.stream()
						.map((instance) -> instance.getHost() + ":" + instance.getPort())
						.sorted()
						.toList());
		}
		return addresses;
	}

	private static Map<String, List<String>> sorted(Map<String, List<String>> addresses) {
		Map<String, List<String>> sorted = new LinkedHashMap<>();
		addresses.forEach((service, list) -> sorted.put(service, list.stream().sorted().toList()));
		return sorted;
	}

	private InteropProcess decodedView(Map<String, String> prefixes) {
		List<String> arguments = new ArrayList<>();
		prefixes.forEach((layout, prefix) -> arguments.addAll(List.of("-watch", layout + "=" + prefix)));
		InteropProcess view = go("decodedview", arguments.toArray(String[]::new));
		await().atMost(TIMEOUT).until(() -> {
			view.assertAlive();
			return events(view, 0).stream()
				.filter((event) -> event.get("event").asString().equals("ready"))
				.count() == prefixes.size();
		});
		return view;
	}

	private InteropProcess go(String program, String... arguments) {
		List<String> all = new ArrayList<>(List.of("-etcd", etcd.endpoint()));
		all.addAll(List.of(arguments));
		InteropProcess go = InteropProcess.start(GoStack.TRIXIE.binary(program), all.toArray(String[]::new));
		this.programs.add(go);
		return go;
	}

	private static void awaitSeenByEveryResolver(InteropProcess view, InteropProcess goKit, InteropProcess plain,
			String address) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			view.assertAlive();
			Map<String, JsonNode> state = state(view);
			for (Map.Entry<String, String> viewed : VIEWED.entrySet()) {
				String layout = viewed.getKey();
				List<JsonNode> values = state.values()
					.stream()
					.filter((event) -> event.get("layout").asString().equals(layout))
					.toList();
				assertThat(values).as(layout).singleElement().satisfies((event) -> {
					assertThat(event.get("ok").asBoolean()).as(layout + ": " + event).isTrue();
					assertThat(addressesOf(layout, event.get("decoded"))).as(layout + ": " + event)
						.containsExactly(address);
				});
			}
			assertThat(lastJson(goKit).get("instances").toString()).isEqualTo("[\"" + address + "\"]");
			assertThat(lastAddresses(plain)).isEqualTo("[\"" + address + "\"]");
		});
	}

	private static void awaitGoneFromEveryResolver(InteropProcess view, InteropProcess goKit, InteropProcess plain) {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			view.assertAlive();
			assertThat(state(view)).isEmpty();
			assertThat(lastJson(goKit).get("instances").toString()).isEqualTo("[]");
			assertThat(lastAddresses(plain)).isEqualTo("[]");
		});
	}

	// The addresses a framework's resolver takes from one decoded value.
	private static List<String> addressesOf(String layout, JsonNode decoded) {
		return switch (layout) {
			case "kitex", "hertz" -> {
				assertThat(decoded.get("network").asString()).isEqualTo("tcp");
				assertThat(decoded.get("weight").asInt()).isPositive();
				yield List.of(decoded.get("address").asString());
			}
			case "go-micro" -> {
				assertThat(decoded.get("name").asString()).isEqualTo("springsvc");
				List<String> nodes = new ArrayList<>();
				decoded.get("nodes").forEach((node) -> nodes.add(node.get("address").asString()));
				yield nodes;
			}
			case "kratos" -> {
				assertThat(decoded.get("name").asString()).isEqualTo("springsvc");
				List<String> hosts = new ArrayList<>();
				decoded.get("endpoints")
					.forEach((endpoint) -> hosts.add(URI.create(endpoint.asString()).getRawAuthority()));
				yield hosts;
			}
			case "go-zero" -> List.of(decoded.asString());
			default -> throw new IllegalArgumentException(layout);
		};
	}

	// decodedview's last event per key still present: the keys a resolver sees now.
	private static Map<String, JsonNode> state(InteropProcess view) {
		Map<String, JsonNode> state = new LinkedHashMap<>();
		for (JsonNode event : events(view, 0)) {
			switch (event.get("event").asString()) {
				case "put" -> state.put(event.get("key").asString(), event);
				case "delete" -> state.remove(event.get("key").asString());
				default -> {
				}
			}
		}
		return state;
	}

	private static Map<String, String> viewedKeys(InteropProcess view) {
		Map<String, String> keys = new LinkedHashMap<>();
		state(view).forEach((key, event) -> keys.put(event.get("layout").asString(), key));
		return keys;
	}

	private static List<JsonNode> events(InteropProcess view, int from) {
		List<String> lines = view.lines();
		return lines.subList(from, lines.size()).stream().map(json::readTree).toList();
	}

	private static JsonNode lastJson(InteropProcess program) {
		program.assertAlive();
		String last = program.lastLine("{\"instances\"");
		assertThat(last).as("no update yet").isNotNull();
		return json.readTree(last);
	}

	private static String lastAddresses(InteropProcess plain) {
		plain.assertAlive();
		String last = plain.lastLine("{\"addresses\"");
		assertThat(last).as("no update yet").isNotNull();
		return json.readTree(last).get("addresses").toString();
	}

	private static boolean calledOk(InteropProcess plain, String address) {
		return plain.lines()
			.stream()
			.filter((line) -> line.startsWith("{\"called\""))
			.map(json::readTree)
			.anyMatch((call) -> call.get("called").asString().equals(address) && call.path("status").asInt() == 200
					&& call.path("body").asString().equals("springsvc"));
	}

	// "registered <key> <host:port>"
	private static String registeredAddress(InteropProcess go) {
		return go.awaitLine("registered ", TIMEOUT).split(" ")[2];
	}

	private static long springLease() throws Exception {
		List<KeyValue> kvs = client.getKVClient()
			.get(bytes("/services/default/springsvc/"), GetOption.builder().isPrefix(true).build())
			.get()
			.getKvs();
		assertThat(kvs).as("the Spring instance's own key").hasSize(1);
		return kvs.get(0).getLease();
	}

	private static String get(String uri) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(uri).isEqualTo(200);
		return response.body();
	}

	private static String getQuietly(String uri) {
		try {
			return get(uri);
		}
		catch (Exception | AssertionError ex) {
			return ex.toString();
		}
	}

	private static int post(String uri, String body) throws Exception {
		return http
			.send(HttpRequest.newBuilder(URI.create(uri))
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	private static Map<String, String> viewed() {
		Map<String, String> viewed = new LinkedHashMap<>();
		viewed.put("kitex", "kitex/registry-etcd/springsvc/");
		viewed.put("hertz", "hertz/registry-etcd/springsvc/");
		viewed.put("go-micro", "/micro/registry/springsvc/");
		viewed.put("kratos", "/microservices/springsvc");
		viewed.put("go-zero", "springsvc.rpc/");
		return viewed;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ServiceApplication {

		@Bean
		RouterFunction<ServerResponse> root() {
			return RouterFunctions.route().GET("/", (request) -> ServerResponse.ok().body("springsvc")).build();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CallerApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
