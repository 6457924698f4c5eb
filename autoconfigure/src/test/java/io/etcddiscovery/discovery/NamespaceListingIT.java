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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.discovery.NamespaceListing.Listing;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests for {@link NamespaceListing} against a real etcd: a listing of many
 * pages, sized from the values seen, is complete and consistent.
 *
 * @author etcd-discovery authors
 */
class NamespaceListingIT {

	private static final String PREFIX = "/services/listing/";

	private static final int KEYS = 1_500;

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	@Test
	void listsEveryKeyOnceInPagesSizedFromTheValuesSeen() throws Exception {
		try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
			etcd.deleteAllKeys();
			// Values of 1,500 bytes: pages of 500, then of about 700 keys.
			byte[] value = new byte[1_500];
			Arrays.fill(value, (byte) 'x');
			List<Op> puts = new ArrayList<>();
			for (int i = 0; i < KEYS; i++) {
				puts.add(Op.put(bytes(PREFIX + "svc/%05d".formatted(i)), ByteSequence.from(value), PutOption.DEFAULT));
				if (puts.size() == 100) {
					client.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit().get(10, TimeUnit.SECONDS);
					puts.clear();
				}
			}
			// Beside the prefix: not listed.
			client.getKVClient().put(bytes("/services/other/svc/x"), bytes("not listed")).get(10, TimeUnit.SECONDS);
			Listing listing = new NamespaceListing(client, PREFIX, Duration.ofSeconds(10)).fetch();
			assertThat(listing.header()).isNotNull();
			assertThat(listing.kvs()).hasSize(KEYS);
			assertThat(listing.kvs()).extracting(KeyChange::key)
				.doesNotHaveDuplicates()
				.isSorted()
				.first()
				.isEqualTo(PREFIX + "svc/00000");
			assertThat(listing.kvs()).allSatisfy((kv) -> {
				assertThat(kv.value()).hasSize(1_500);
				assertThat(kv.modRevision()).isLessThanOrEqualTo(listing.header().getRevision());
			});
		}
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
