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

package io.etcddiscovery.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import org.jspecify.annotations.Nullable;

/**
 * What a test sees of a secured etcd, through a client of its own with full access.
 *
 * @author etcd-discovery authors
 */
final class EtcdKeys implements AutoCloseable {

	private final Client client;

	EtcdKeys(ClientBuilder builder) {
		this.client = builder.build();
	}

	@Nullable KeyValue key(String key) {
		List<KeyValue> kvs = get(this.client.getKVClient().get(bytes(key))).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0);
	}

	List<KeyValue> keys(String prefix) {
		return get(this.client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs();
	}

	void revoke(long leaseId) {
		get(this.client.getLeaseClient().revoke(leaseId));
	}

	static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	private static <T> T get(CompletableFuture<T> future) {
		try {
			return future.get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

}
