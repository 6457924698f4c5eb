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

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SkippedValue}.
 *
 * @author etcd-discovery authors
 */
class SkippedValueTests {

	@Test
	void keysAreShownWithControlCharactersEscaped() {
		assertThat(SkippedValue.printable("/services/default/orders/o1\nWARN forged line"))
			.isEqualTo("/services/default/orders/o1\\u000aWARN forged line");
	}

	@Test
	void longKeysAreCutWithoutSplittingACharacter() {
		String key = "k".repeat(SkippedValue.MAX_KEY_LENGTH - 1) + "\ud83d\ude00" + "tail";
		assertThat(SkippedValue.printable(key))
			.isEqualTo("k".repeat(SkippedValue.MAX_KEY_LENGTH - 1) + "...(6 more characters)");
		assertThat(SkippedValue.printable("short")).isEqualTo("short");
	}

}
