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
package io.etcddiscovery.etcd.layout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The codec of each framework's layout: values as each framework's registrar writes them
 * (the source file and tag named per test) are read, bad ones skipped with a reason,
 * other trees under the same prefix ignored, and this instance written with that
 * framework's types.
 *
 * @author etcd-discovery authors
 */
class LayoutCodecsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final PublishedInstance ORDERS = new PublishedInstance("orders", "orders-1", "10.0.0.7", 8080, false,
			Map.of("zone", "eu-1", "weight", "3"));

	// kitex-contrib/registry-etcd v0.2.6, etcd_registry.go: Register puts
	// serviceKey(name, addr) = "kitex/registry-etcd/<name>/<addr>" with json.Marshal of
	// instanceInfo{Network, Address, Weight, Tags} (common.go), lease TTL 60s.
	private static final String KITEX_VALUE = "{\"network\":\"tcp\",\"address\":\"10.0.0.9:8888\",\"weight\":10,"
			+ "\"tags\":{\"cluster\":\"a\"}}";

	@Test
	void kitexValueIsReadWithWeightAndTagsAsMetadata() {
		KitexCodec codec = new KitexCodec(Layout.KITEX, "kitex/registry-etcd/");
		ForeignInstance instance = codec.decode("kitex/registry-etcd/echo/10.0.0.9:8888", bytes(KITEX_VALUE));
		assertThat(instance).isEqualTo(new ForeignInstance("echo", "10.0.0.9:8888", "10.0.0.9", 8888, false,
				Map.of("weight", "10", "cluster", "a"), null));
	}

	@Test
	void kitexValuesItsReaderWouldMisuseAreSkippedWithAReason() {
		KitexCodec codec = new KitexCodec(Layout.KITEX, "kitex/registry-etcd/");
		String key = "kitex/registry-etcd/echo/10.0.0.9:8888";
		// Kitex itself turns any JSON object into an instance with an empty address.
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode(key, bytes("{\"Op\":0,\"Addr\":\"10.0.0.9:8888\"}")))
			.withMessage("no 'address'");
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode(key, bytes("{\"address\":\"10.0.0.9:8888\",\"weight\":\"10\"}")))
			.withMessage("'weight' is not an integer");
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode(key, bytes("{\"address\":\"10.0.0.9:8888\",\"tags\":{\"a\":1}}")))
			.withMessage("'tags' has a value that is not a string");
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode(key, bytes("not json")))
			.withMessage("not JSON");
		assertThat(codec.decode("kitex/registry-etcd/echo", bytes(KITEX_VALUE))).isNull();
		assertThat(codec.decode("kitex/registry-etcd/echo/a/b", bytes(KITEX_VALUE))).isNull();
	}

	@Test
	void kitexFieldsAreMatchedAsGoMatchesThem() {
		KitexCodec codec = new KitexCodec(Layout.KITEX, "kitex/registry-etcd/");
		ForeignInstance instance = codec.decode("kitex/registry-etcd/echo/x",
				bytes("{\"Address\":\"10.0.0.9:1\",\"WEIGHT\":2}"));
		assertThat(instance.host()).isEqualTo("10.0.0.9");
		assertThat(instance.metadata()).containsEntry("weight", "2");
	}

	@Test
	void kitexValueIsWrittenWithANumericWeightAndStringTags() {
		List<PublishedKey> keys = new KitexCodec(Layout.KITEX, "kitex/registry-etcd/").encode(ORDERS, 7);
		assertThat(keys).singleElement().satisfies((key) -> {
			assertThat(key.key()).isEqualTo("kitex/registry-etcd/orders/10.0.0.7:8080");
			JsonNode value = JSON.readTree(key.value());
			assertThat(value.get("network").asString()).isEqualTo("tcp");
			assertThat(value.get("address").asString()).isEqualTo("10.0.0.7:8080");
			assertThat(value.get("weight").isInt()).isTrue();
			assertThat(value.get("weight").asInt()).isEqualTo(3);
			assertThat(value.get("tags").properties()).hasSize(1);
			assertThat(value.get("tags").get("zone").isString()).isTrue();
		});
		PublishedInstance unweighted = new PublishedInstance("orders", "orders-1", "::1", 8080, false, Map.of());
		String value = new KitexCodec(Layout.HERTZ, "hertz/registry-etcd/").encode(unweighted, 7).get(0).value();
		assertThat(JSON.readTree(value).get("weight").asInt()).isEqualTo(KitexCodec.DEFAULT_WEIGHT);
		assertThat(new KitexCodec(Layout.HERTZ, "hertz/registry-etcd/").encode(unweighted, 7).get(0).key())
			.isEqualTo("hertz/registry-etcd/orders/[::1]:8080");
	}

	@Test
	void whatKitexWritesIsReadBack() {
		KitexCodec codec = new KitexCodec(Layout.KITEX, "kitex/registry-etcd/");
		PublishedKey written = codec.encode(ORDERS, 7).get(0);
		assertThat(codec.decode(written.key(), written.valueBytes())).isEqualTo(
				new ForeignInstance("orders", "10.0.0.7:8080", "10.0.0.7", 8080, false, ORDERS.metadata(), null));
	}

	// go-micro/plugins v5 registry/etcd/etcd.go (and go-micro v5.30.0 registry/etcd):
	// registerNode puts nodePath(s.Name, node.Id) = path.Join("/micro/registry/", name,
	// id) with encode(&registry.Service{Name, Version, Metadata, Endpoints, Nodes:
	// []*Node{node}}), lease TTL from RegisterTTL (90s by default in go-micro's server).
	private static final String GO_MICRO_VALUE = "{\"name\":\"greeter\",\"version\":\"latest\","
			+ "\"metadata\":{\"team\":\"x\"},\"endpoints\":[{\"name\":\"Greeter.Hello\",\"request\":null,"
			+ "\"response\":null,\"metadata\":{}}],\"nodes\":[{\"id\":\"greeter-3f2a\",\"address\":\"10.0.0.5:40123\","
			+ "\"metadata\":{\"protocol\":\"mucp\",\"transport\":\"http\"}}]}";

	@Test
	void goMicroServiceWithOneNodeIsRead() {
		ForeignInstance instance = new GoMicroCodec("/micro/registry/").decode("/micro/registry/greeter/greeter-3f2a",
				bytes(GO_MICRO_VALUE));
		assertThat(instance).isEqualTo(new ForeignInstance("greeter", "greeter-3f2a", "10.0.0.5", 40123, false,
				Map.of("team", "x", "protocol", "mucp", "transport", "http", "version", "latest"), null));
	}

	@Test
	void goMicroValueIsWrittenAsAServiceWithOneNode() {
		PublishedKey key = new GoMicroCodec("/micro/registry/").encode(ORDERS, 7).get(0);
		assertThat(key.key()).isEqualTo("/micro/registry/orders/orders-1");
		JsonNode value = JSON.readTree(key.value());
		assertThat(value.get("name").asString()).isEqualTo("orders");
		assertThat(value.get("nodes")).hasSize(1);
		assertThat(value.get("nodes").get(0).get("address").asString()).isEqualTo("10.0.0.7:8080");
		assertThat(value.get("nodes").get(0).get("metadata").get("weight").isString()).isTrue();
		assertThat(value.get("endpoints").isArray()).isTrue();
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(
					() -> new GoMicroCodec("/micro/registry/").decode("/micro/registry/a/b", bytes("{\"name\":\"a\"}")))
			.withMessage("no node");
	}

	// Kratos v2.9.2 contrib/registry/etcd/registry.go: Register puts
	// fmt.Sprintf("%s/%s/%s", namespace, service.Name, service.ID) (namespace
	// "/microservices") with marshal(service) of registry.ServiceInstance{ID, Name,
	// Version, Metadata map[string]string, Endpoints []string}, lease TTL 15s.
	private static final String KRATOS_VALUE = "{\"id\":\"k-1\",\"name\":\"helloworld\",\"version\":\"v1\","
			+ "\"metadata\":{\"region\":\"eu\"},\"endpoints\":[\"grpc://10.0.0.3:9000\",\"http://10.0.0.3:8000\"]}";

	@Test
	void kratosInstanceIsCalledOverHttpByHttpClientsAndOverGrpcByGrpcClients() {
		ForeignInstance instance = new KratosCodec("/microservices/").decode("/microservices/helloworld/k-1",
				bytes(KRATOS_VALUE));
		assertThat(instance).isEqualTo(new ForeignInstance("helloworld", "k-1", "10.0.0.3", 8000, false,
				Map.of("region", "eu", "version", "v1"), new HostAndPort("10.0.0.3", 9000)));
		ForeignInstance grpcOnly = new KratosCodec("/microservices/").decode("/microservices/helloworld/k-2",
				bytes("{\"id\":\"k-2\",\"name\":\"helloworld\",\"endpoints\":[\"grpc://10.0.0.4:9000\"]}"));
		assertThat(grpcOnly.port()).isEqualTo(9000);
		assertThat(grpcOnly.grpc()).isNull();
	}

	@Test
	void kratosValueWithANumberInItsMetadataSkipsThatInstanceOnly() {
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> new KratosCodec("/microservices/").decode("/microservices/kprobe-eu/1",
					bytes("{\"id\":\"1\",\"name\":\"kprobe-eu\",\"metadata\":{\"n\":1},"
							+ "\"endpoints\":[\"http://10.0.0.3:8000\"]}")))
			.withMessage("'metadata' has a value that is not a string");
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> new KratosCodec("/microservices/").decode("/microservices/a/1",
					bytes("{\"id\":\"1\",\"name\":\"a\",\"endpoints\":[\"10.0.0.3:8000\"]}")))
			.withMessage("no http, https or grpc endpoint");
	}

	@Test
	void kratosValueIsWrittenWithStringMetadataAndASchemeOnItsEndpoint() {
		PublishedKey key = new KratosCodec("/microservices/").encode(ORDERS, 7).get(0);
		assertThat(key.key()).isEqualTo("/microservices/orders/orders-1");
		JsonNode value = JSON.readTree(key.value());
		assertThat(value.get("id").asString()).isEqualTo("orders-1");
		assertThat(value.get("name").asString()).isEqualTo("orders");
		assertThat(value.get("version").isString()).isTrue();
		assertThat(value.get("metadata").get("weight").isString()).isTrue();
		assertThat(value.get("endpoints")).hasSize(1);
		assertThat(value.get("endpoints").get(0).asString()).isEqualTo("http://10.0.0.7:8080");
	}

	// go-zero v1.10.3 core/discov/publisher.go: register puts makeEtcdKey(key, lease) =
	// key + "/" + decimal lease id (or WithId's id) with the value as given, a bare
	// host:port for zrpc, lease TTL 10s (TimeToLive).
	@Test
	void goZeroKeysAreReadForTheConfiguredServicesOnly() {
		GoZeroCodec codec = new GoZeroCodec(Map.of("orders", "orders.rpc"));
		assertThat(codec.prefixes()).containsExactly("orders.rpc/");
		assertThat(codec.decode("orders.rpc/7587879446355410955", bytes("10.0.0.8:8080")))
			.isEqualTo(new ForeignInstance("orders", "7587879446355410955", "10.0.0.8", 8080, false, Map.of(), null));
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode("orders.rpc/1", bytes("not json")))
			.withMessage("not host:port");
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode("orders.rpc/1", bytes("http://10.0.0.8:8080")));
		assertThat(codec.decode("orders.rpc.v2/1", bytes("10.0.0.8:8080"))).isNull();
	}

	@Test
	void goZeroKeyIsNamedAfterTheLease() {
		GoZeroCodec codec = new GoZeroCodec(Map.of("orders", "orders.rpc"));
		assertThat(codec.encode(ORDERS, 0x694d7f3e8a1c2b05L))
			.containsExactly(new PublishedKey("orders.rpc/" + 0x694d7f3e8a1c2b05L, "10.0.0.7:8080"));
		assertThat(new GoZeroCodec(Map.of("billing", "billing.rpc")).encode(ORDERS, 7)).isEmpty();
	}

	// go-kit v0.13.0 sd/etcdv3/registrar.go: Register calls client.Register(Service{Key,
	// Value, TTL}), a Put of the user's key and value with a lease; example_test.go
	// registers prefix + instance => instance, with prefix "/services/foosvc/" and
	// instance "1.2.3.4:8080".
	@Test
	void goKitValuesAreAddressesUnderTheConfiguredPrefix() {
		GoKitCodec codec = new GoKitCodec(Map.of("foosvc", "/services/foosvc/"));
		assertThat(codec.decode("/services/foosvc/1.2.3.4:8080", bytes("1.2.3.4:8080")))
			.isEqualTo(new ForeignInstance("foosvc", "1.2.3.4:8080", "1.2.3.4", 8080, false, Map.of(), null));
		assertThat(codec.decode("/services/foosvc/a", bytes("https://1.2.3.4:8443")).secure()).isTrue();
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode("/services/foosvc/a", bytes("{\"Addr\":\"1.2.3.4:8080\"}")));
		assertThat(codec.encode(ORDERS, 7)).isEmpty();
		assertThat(new GoKitCodec(Map.of("orders", "/gokit/orders/")).encode(ORDERS, 7))
			.containsExactly(new PublishedKey("/gokit/orders/orders-1", "10.0.0.7:8080"));
	}

	@Test
	void plainKeysAreReadAndOtherTreesUnderTheSameRootIgnored() {
		PlainCodec codec = new PlainCodec("/services/");
		assertThat(codec.decode("/services/user-svc/1", bytes("127.0.0.1:8080")))
			.isEqualTo(new ForeignInstance("user-svc", "1", "127.0.0.1", 8080, false, Map.of(), null));
		// This library's own keys.
		assertThat(codec.decode("/services/default/orders/o1", bytes("{\"Op\":0,\"Addr\":\"1.2.3.4:1\"}"))).isNull();
		assertThat(codec.decode("/services/default/~parked/orders/o1", bytes("1.2.3.4:1"))).isNull();
		// Dubbo's application-level discovery: /services/<app>/<host:port> => JSON.
		assertThat(codec.decode("/services/dubbo-app/10.0.0.1:20880",
				bytes("{\"name\":\"dubbo-app\",\"address\":\"10.0.0.1\",\"port\":20880}")))
			.isNull();
		assertThatExceptionOfType(InvalidInstanceValueException.class)
			.isThrownBy(() -> codec.decode("/services/user-svc/2", bytes("not an address")));
		assertThat(codec.encode(ORDERS, 7))
			.containsExactly(new PublishedKey("/services/orders/orders-1", "10.0.0.7:8080"));
	}

	@Test
	void layoutsAreNamedAsPropertiesSpellThem() {
		assertThat(Layout.of("go-micro")).isEqualTo(Layout.GO_MICRO);
		assertThat(Layout.of("plain")).isEqualTo(Layout.PLAIN);
		assertThat(Layout.of("eureka")).isNull();
		assertThat(Layout.GO_ZERO.hasKeysPerService()).isTrue();
		assertThat(Layout.KRATOS.defaultPrefix()).isEqualTo("/microservices/");
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
