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
package io.etcddiscovery.client;

import java.util.List;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link EtcdTarget}.
 *
 * @author etcd-discovery authors
 */
class EtcdTargetTests {

	@Test
	void joinsHostsAndPortsLikeJetcd() {
		assertThat(EtcdTarget.of(List.of("http://127.0.0.1:2379", " https://etcd-2.example.com:2380 ")))
			.isEqualTo("ip:///127.0.0.1:2379,etcd-2.example.com:2380");
	}

	@Test
	void dropsRepeatedAddresses() {
		assertThat(EtcdTarget.of(List.of("http://127.0.0.1:2379", "http://127.0.0.1:2379/")))
			.isEqualTo("ip:///127.0.0.1:2379");
	}

	@Test
	void encodesTheBracketsOfIpv6Hosts() {
		assertThat(EtcdTarget.of(List.of("http://[::1]:2379", "http://[fd00::2]:2379")))
			.isEqualTo("ip:///%5B::1%5D:2379,%5Bfd00::2%5D:2379");
	}

	@Test
	void givesATargetJetcdAcceptsForIpv6Hosts() {
		// jetcd builds the channel on the first call and rejects "ip:///[::1]:2379"
		// there.
		try (Client client = Client.builder().target(EtcdTarget.of(List.of("http://[::1]:2379"))).build()) {
			assertThatNoException()
				.isThrownBy(() -> client.getKVClient().get(ByteSequence.from(new byte[] { 1 })).cancel(true));
		}
	}

}
