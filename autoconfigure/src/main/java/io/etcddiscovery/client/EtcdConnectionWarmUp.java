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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Opens the etcd connection while the application context is still starting, so that the
 * first registration and the first listing do not pay for it after start-up.
 * <p>
 * jetcd connects on the first call. This makes that call at once, on a thread of the
 * client's executor: a count-only read of the namespace's root key, which a user allowed
 * to discover may read. Its outcome is ignored: registration and discovery make their own
 * calls, retry on their own schedule and report their own failures.
 * <p>
 * The call is made off the thread that starts the application because jetcd builds its
 * gRPC channel in the caller's thread on the first call: loading gRPC, Netty, protobuf
 * and jetcd (about 750 classes) and setting up the channel took about a fifth of this
 * library's start-up cost on the main thread, and now runs beside the rest of the start.
 *
 * @author etcd-discovery authors
 */
public final class EtcdConnectionWarmUp {

	private static final Log logger = LogFactory.getLog(EtcdConnectionWarmUp.class);

	private EtcdConnectionWarmUp() {
	}

	/**
	 * Start connecting the given client: its channel is built in the calling thread, the
	 * call completes on the client's threads.
	 * @param client the client
	 * @param key a key the client is expected to be allowed to read
	 * @param timeout the longest the call may take
	 * @return the call, completed when it has an answer, failed or timed out
	 */
	public static CompletableFuture<GetResponse> connect(Client client, String key, Duration timeout) {
		CompletableFuture<GetResponse> call;
		try {
			call = client.getKVClient()
				.get(ByteSequence.from(key, StandardCharsets.UTF_8), GetOption.builder().withCountOnly(true).build())
				.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// jetcd builds its channel on the first call and may refuse to there (an
			// endpoint gRPC cannot resolve): the first real call reports it.
			call = CompletableFuture.failedFuture(ex);
		}
		call.whenComplete((response, ex) -> {
			if (ex != null && logger.isDebugEnabled()) {
				logger.debug("Could not open the etcd connection ahead of time: " + ex.getMessage());
			}
		});
		return call;
	}

}
